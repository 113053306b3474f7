import { journeyWindows } from '@seamline/config';
import { clickhouseSettingsFromEnv, connectClickHouse, migrate } from '@seamline/clickhouse';
import { consumerLagByPartition, createKafka, ensureTopics, kafkaSettingsFromEnv, topicNames } from '@seamline/kafka';
import { closeOnStop, createMetricsRegistry, runService } from '@seamline/http';
import { orgMapFromFile } from '@seamline/journeys';
import { createJourneyRefresher, startStitcher } from '@seamline/stitch';
import { stitcherTelemetry } from './telemetry.ts';
import { buildStitcherApp } from './app.ts';
import { loadStitcherConfig } from './env.ts';

await runService({
  name: 'stitcher',
  config: loadStitcherConfig,
  async start(config, logger) {
    // SIGHUP re-reads the org map and re-attributes history (only ever after start, when the
    // journeys below exist); a broken file leaves the map in force.
    const orgMap = await orgMapFromFile(config.SEAMLINE_ORG_MAP, logger, {
      setting: 'SEAMLINE_ORG_MAP',
      onChange: () => journeys.ensureCurrent({ loadState: false }),
    });
    const clickhouse = await connectClickHouse(clickhouseSettingsFromEnv(config), logger);
    await migrate(clickhouse.client);
    const kafka = createKafka(kafkaSettingsFromEnv(config), logger);
    const topics = topicNames(config.KAFKA_TOPIC_PREFIX);
    await ensureTopics(kafka, topics);
    const journeys = createJourneyRefresher(
      clickhouse.client,
      { orgMap: orgMap.current, ...journeyWindows(config), stateEvents: config.STITCHER_STATE_EVENTS },
      logger,
    );
    // Tables computed with another org map or other windows are rebuilt before consuming; the
    // state is loaded when the stitcher joins its group.
    await journeys.ensureCurrent({ loadState: false });

    const metrics = createMetricsRegistry('stitcher');
    const telemetry = stitcherTelemetry(metrics);
    let consuming = true;
    const stitcher = await startStitcher({
      kafka,
      clickhouse: clickhouse.client,
      topics,
      groupId: config.STITCHER_GROUP_ID,
      linking: config.STITCHER_LINKING,
      sessionTimeoutMs: config.STITCHER_SESSION_TIMEOUT,
      journeys,
      logger,
      processor: {
        onDeadLetters: (letters) => telemetry.deadLetters(letters),
        maxIdentifiers: config.SEAMLINE_MAX_IDENTIFIERS,
        blockedIdentifiers: config.SEAMLINE_BLOCKED_IDENTIFIERS,
      },
      onRetry: () => telemetry.retry(),
      onRecovered: () => telemetry.recovered(),
      onBatch: (messages, seconds, outcome, eventTimes) => {
        telemetry.batch(messages, seconds, outcome, eventTimes);
        logger.info({ messages, ...outcome }, 'batch');
      },
    });
    const admin = kafka.admin();
    await admin.connect();
    const app = buildStitcherApp({
      clickhouse: clickhouse.client,
      logger,
      consuming: () => consuming,
      kafkaReachable: async () => (await admin.describeCluster()).brokers.length > 0,
      metrics,
    });
    await closeOnStop(app, 'clickhouse', clickhouse.close);
    await closeOnStop(app, 'kafka-admin', () => admin.disconnect());
    // Consumer lag for Prometheus, every 15 s: every topic of the group, and the linker's topic.
    const lagged: [group: string, topic: string][] = [
      [config.STITCHER_GROUP_ID, topics.raw],
      [config.STITCHER_GROUP_ID, topics.deadLetter],
      ...(config.STITCHER_LINKING === 'topic' ? [[`${config.STITCHER_GROUP_ID}-linker`, topics.stitched] as [string, string]] : []),
    ];
    const lagTimer = setInterval(() => {
      for (const [group, topic] of lagged) {
        consumerLagByPartition(kafka, group, topic)
          .then((partitions) => {
            telemetry.partitionLag(group, topic, partitions);
            if (group === config.STITCHER_GROUP_ID) telemetry.lag(topic, partitions.reduce((sum, { lag }) => sum + lag, 0));
          })
          .catch((error: Error) => logger.warn({ err: error, topic }, 'consumer lag not read'));
      }
    }, 15_000);
    return {
      app,
      stopping: 'finishing the batch in progress, committing, closing',
      stopFirst: [
        {
          name: 'consumer',
          // The consumer finishes and commits its current batch before it disconnects.
          stop: async () => {
            consuming = false;
            clearInterval(lagTimer);
            await stitcher.stop();
          },
        },
      ],
      reload: [{ name: 'org map', reload: orgMap.reload }],
      listening: () => logger.info({ groupId: config.STITCHER_GROUP_ID }, 'stitcher consuming'),
    };
  },
});
