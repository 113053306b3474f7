import { failStartup, journeyWindows } from '@seamline/config';
import { clickhouseSettingsFromEnv, connectClickHouse, migrate } from '@seamline/clickhouse';
import { createMetricsRegistry } from '@seamline/http';
import { createLogger } from '@seamline/log';
import { buildMetricsApp } from '@seamline/api';
import { loadMetricsApiConfig } from './env.ts';
import { createMetricsService } from '@seamline/metrics';
import { orgMapFromFile } from '@seamline/metrics';

const config = loadMetricsApiConfig();
const logger = createLogger({ service: 'metrics-api', level: config.LOG_LEVEL });
const orgMap = await orgMapFromFile(config.SEAMLINE_ORG_MAP, logger).catch((error: unknown) => failStartup('metrics-api', error));
const clickhouse = await connectClickHouse(clickhouseSettingsFromEnv(config), logger);
await migrate(clickhouse.client);
const metrics = createMetricsService(clickhouse.client, orgMap.current, journeyWindows(config), logger);
const app = await buildMetricsApp({
  clickhouse: clickhouse.client,
  metrics,
  orgMap: orgMap.current,
  logger,
  auth: config.METRICS_API_AUTH,
  registry: createMetricsRegistry('metrics-api'),
  trustProxy: config.TRUST_PROXY,
  timeZone: config.SEAMLINE_TIME_ZONE,
});
// SIGHUP re-reads the org map without a restart; a broken file leaves the current map in force.
process.on('SIGHUP', () => void orgMap.reload().catch(() => {}));
await app.listen({ host: config.HOST, port: config.PORT });

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'stopping');
  await app.close();
  await clickhouse.close();
  process.exit(0);
}
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));
