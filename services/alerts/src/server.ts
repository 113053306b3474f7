import { journeyWindows } from '@seamline/config';
import { clickhouseSettingsFromEnv, connectClickHouse, migrate } from '@seamline/clickhouse';
import { closeOnStop, createMetricsRegistry, runService } from '@seamline/http';
import { orgMapFromFile } from '@seamline/journeys';
import type { Logger } from '@seamline/log';
import { createMetricsService } from '@seamline/metrics';
import { alertsTelemetry } from './telemetry.ts';
import { buildAlertsApp } from './app.ts';
import { loadAlertsConfig, type AlertsConfig } from './env.ts';
import { createWebhookNotifier } from './notify.ts';
import { loadAlertRules, rulesWithoutMatureContacts, type AlertRules } from './rules.ts';
import { runAlertsOnce } from './run.ts';
import { startScheduler } from './scheduler.ts';

/** Reads the rules file; a bad one names file, line and problem, at start (exit) or on SIGHUP (kept). */
async function readRules(config: AlertsConfig, logger: Logger): Promise<AlertRules> {
  const rules = await loadAlertRules(config.ALERT_RULES, 'ALERT_RULES');
  for (const warning of rulesWithoutMatureContacts(rules.rules, config.SEAMLINE_REPEAT_WINDOW)) logger.warn(warning);
  logger.info({ rulesFile: config.ALERT_RULES, rules: rules.rules.length, digest: Boolean(rules.digest) }, 'alert rules loaded');
  return rules;
}

await runService({
  name: 'alerts',
  config: loadAlertsConfig,
  async start(config, logger) {
    let rules = await readRules(config, logger);
    const orgMap = await orgMapFromFile(config.SEAMLINE_ORG_MAP, logger, { setting: 'SEAMLINE_ORG_MAP' });
    const clickhouse = await connectClickHouse(clickhouseSettingsFromEnv(config), logger);
    await migrate(clickhouse.client);
    const metrics = createMetricsService(clickhouse.client, orgMap.current, journeyWindows(config), logger);
    const notifier = createWebhookNotifier({ logger });
    const registry = createMetricsRegistry('alerts');
    const telemetry = alertsTelemetry(registry, clickhouse.client, metrics);

    const scheduler = startScheduler({
      intervalMs: config.ALERT_INTERVAL,
      logger,
      run: async (now) => {
        const report = await runAlertsOnce({ client: clickhouse.client, metrics, rules, notifier, logger, timeZone: config.SEAMLINE_TIME_ZONE }, now);
        telemetry.run(report, now);
        // A run that sent nothing and failed at nothing is routine: debug, not a line every 5 minutes.
        const eventful = report.digests.length > 0 || report.rules.some((r) => r.message !== undefined || r.status === 'failed');
        logger[eventful ? 'info' : 'debug']({ at: now.toISOString(), ...report }, 'alerts evaluated');
      },
    });
    const app = buildAlertsApp({ clickhouse: clickhouse.client, logger, scheduling: scheduler.running, registry });
    await closeOnStop(app, 'clickhouse', clickhouse.close);
    return {
      app,
      // The run in progress finishes, so a delivered message has its state written before exit.
      stopFirst: [{ name: 'scheduler', stop: scheduler.stop }],
      stopping: 'finishing the evaluation in progress',
      // SIGHUP re-reads the rules and the org map; a broken file leaves the one in force.
      reload: [
        { name: 'alert rules', reload: async () => (rules = await readRules(config, logger)) },
        { name: 'org map', reload: orgMap.reload },
      ],
      listening: () => logger.info({ intervalMs: config.ALERT_INTERVAL }, 'alerts scheduling'),
    };
  },
});
