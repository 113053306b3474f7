import { journeyWindows } from '@seamline/config';
import { clickhouseSettingsFromEnv, connectClickHouse, migrate } from '@seamline/clickhouse';
import { closeOnStop, createMetricsRegistry, runService } from '@seamline/http';
import { buildMetricsApp } from '@seamline/api';
import { orgMapFromFile } from '@seamline/journeys';
import { createMetricsService } from '@seamline/metrics';
import { loadMetricsApiConfig } from './env.ts';

await runService({
  name: 'metrics-api',
  config: loadMetricsApiConfig,
  async start(config, logger) {
    const orgMap = await orgMapFromFile(config.SEAMLINE_ORG_MAP, logger, { setting: 'SEAMLINE_ORG_MAP' });
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
    await closeOnStop(app, 'clickhouse', clickhouse.close);
    // SIGHUP re-reads the org map without a restart; a broken file leaves the current map in force.
    return { app, reload: [{ name: 'org map', reload: orgMap.reload }] };
  },
});
