import { clickhouseSettingsFromEnv, connectClickHouse, verifyApiKey } from '@seamline/clickhouse';
import { createEventProducer, createKafka, ensureTopics, kafkaSettingsFromEnv, topicNames } from '@seamline/kafka';
import { closeOnStop, createMetricsRegistry, runService } from '@seamline/http';
import { buildIngestApp, kafkaPublisher, loadZendeskGroups, loadZendeskUsers } from '@seamline/ingest-api';
import { loadIngestConfig } from './env.ts';

await runService({
  name: 'ingest',
  config: loadIngestConfig,
  async start(config, logger) {
    const translatorOptions = { zendeskGroups: await loadZendeskGroups(config.ZENDESK_GROUPS), zendeskUsers: await loadZendeskUsers(config.ZENDESK_USERS) };
    const kafka = createKafka(kafkaSettingsFromEnv(config), logger);
    const topics = topicNames(config.KAFKA_TOPIC_PREFIX);
    await ensureTopics(kafka, topics);
    const producer = await createEventProducer(kafka);
    const admin = kafka.admin();
    await admin.connect();
    const kafkaReachable = async () => (await admin.describeCluster()).brokers.length > 0;
    // Write keys live in ClickHouse (api_keys_v1); the ingest API only reads them.
    const keyStore = config.INGEST_AUTH === 'required' ? await connectClickHouse(clickhouseSettingsFromEnv(config)) : undefined;
    if (!keyStore) logger.warn('INGEST_AUTH=off: anyone who reaches POST /v1/events may send events');

    const app = await buildIngestApp({
      publisher: kafkaPublisher(producer, kafkaReachable, topics),
      logger,
      writeKeys: keyStore ? { verify: (key) => verifyApiKey(keyStore.client, key) } : 'off',
      bodyLimitBytes: config.INGEST_BODY_LIMIT_BYTES,
      maxBatchItems: config.INGEST_MAX_BATCH_ITEMS,
      rateLimitPerMinute: config.INGEST_RATE_LIMIT_PER_MINUTE,
      trustProxy: config.TRUST_PROXY,
      unauthenticatedDeadLettersPerHour: config.INGEST_UNAUTHENTICATED_DEAD_LETTERS_PER_HOUR,
      publishLimits: { maxInFlightEvents: config.INGEST_MAX_IN_FLIGHT_EVENTS, timeoutMs: config.INGEST_PUBLISH_TIMEOUT_MS },
      metrics: createMetricsRegistry('ingest'),
      blockedIdentifiers: config.SEAMLINE_BLOCKED_IDENTIFIERS,
      sourceSecrets: {
        zendeskWebhookSecret: config.ZENDESK_WEBHOOK_SECRET,
        connectToken: config.CONNECT_TOKEN,
        stripeWebhookSecret: config.STRIPE_WEBHOOK_SECRET,
      },
      translatorOptions,
    });
    // app.close() waits for the requests in flight, each of which waits for Kafka's
    // acknowledgement, and only then closes these (in reverse order: producer first).
    if (keyStore) await closeOnStop(app, 'clickhouse', keyStore.close);
    await closeOnStop(app, 'kafka-admin', () => admin.disconnect());
    await closeOnStop(app, 'kafka-producer', producer.close);
    return { app, stopping: 'no new requests, finishing those in flight' };
  },
});
