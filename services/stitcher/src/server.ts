import { failStartup, journeyWindows } from '@seamline/config';
import { clickhouseSettingsFromEnv, connectClickHouse, migrate } from '@seamline/clickhouse';
import { consumerLagByPartition, createKafka, ensureTopics, kafkaSettingsFromEnv, topicNames } from '@seamline/kafka';
import { createMetricsRegistry } from '@seamline/http';
import { createLogger } from '@seamline/log';
import { stitcherTelemetry } from './telemetry.ts';
import { buildStitcherApp } from './app.ts';
import { loadStitcherConfig } from './env.ts';
import { createJourneyRefresher, startStitcher } from '@seamline/stitch';
import { EMPTY_ORG_MAP, loadOrgMap } from '@seamline/journeys';

const config = loadStitcherConfig();
const logger = createLogger({ service: 'stitcher', level: config.LOG_LEVEL });
const clickhouse = await connectClickHouse(clickhouseSettingsFromEnv(config), logger);
await migrate(clickhouse.client);
const kafka = createKafka(kafkaSettingsFromEnv(config), logger);
const topics = topicNames(config.KAFKA_TOPIC_PREFIX);
await ensureTopics(kafka, topics);

let orgMap = config.SEAMLINE_ORG_MAP
  ? await loadOrgMap(config.SEAMLINE_ORG_MAP).catch((error: unknown) => failStartup('stitcher', error))
  : EMPTY_ORG_MAP;
const journeys = createJourneyRefresher(
  clickhouse.client,
  { orgMap: () => orgMap, ...journeyWindows(config), stateEvents: config.STITCHER_STATE_EVENTS },
  logger,
);
// Tables computed with another org map or other windows are rebuilt before consuming; the
// state is loaded when the stitcher joins its group.
await journeys.ensureCurrent({ loadState: false });
// SIGHUP: re-read the org map and re-attribute history; a broken file leaves the map in force.
process.on('SIGHUP', () => {
  if (!config.SEAMLINE_ORG_MAP) return;
  loadOrgMap(config.SEAMLINE_ORG_MAP)
    .then(async (next) => {
      orgMap = next;
      await journeys.ensureCurrent({ loadState: false });
    })
    .catch((error: Error) => logger.error({ err: error }, 'org map not reloaded; the previous one stays in force'));
});

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
await app.listen({ host: config.HOST, port: config.PORT });
logger.info({ groupId: config.STITCHER_GROUP_ID }, 'stitcher consuming');

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'stopping: finishing the batch in progress, committing, closing');
  consuming = false;
  clearInterval(lagTimer);
  // The consumer finishes and commits its current batch before it disconnects.
  await stitcher.stop();
  await admin.disconnect();
  await app.close();
  await clickhouse.close();
  logger.info('stopped');
  process.exit(0);
}
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));
