import { journeyWindows } from '@seamline/config';
import { clickhouseSettingsFromEnv, connectClickHouse, migrate } from '@seamline/clickhouse';
import { createMetricsRegistry } from '@seamline/http';
import { createLogger } from '@seamline/log';
import { createMetricsService, orgMapFromFile } from '@seamline/metrics';
import { alertsTelemetry } from './telemetry.ts';
import { buildAlertsApp } from './app.ts';
import { loadAlertsConfig } from './env.ts';
import { createWebhookNotifier } from './notify.ts';
import { AlertRulesError, loadAlertRules, rulesWithoutMatureContacts, type AlertRules } from './rules.ts';
import { runAlertsOnce } from './run.ts';
import { startScheduler } from './scheduler.ts';

const config = loadAlertsConfig();
const logger = createLogger({ service: 'alerts', level: config.LOG_LEVEL });

/** Reads the rules file; a bad one names file, line and problem, at start (exit) or on SIGHUP (kept). */
async function readRules(): Promise<AlertRules> {
  const rules = await loadAlertRules(config.ALERT_RULES);
  for (const warning of rulesWithoutMatureContacts(rules.rules, config.SEAMLINE_REPEAT_WINDOW)) logger.warn(warning);
  logger.info({ rulesFile: config.ALERT_RULES, rules: rules.rules.length, digest: Boolean(rules.digest) }, 'alert rules loaded');
  return rules;
}

let rules: AlertRules;
try {
  rules = await readRules();
} catch (error) {
  if (!(error instanceof AlertRulesError)) throw error;
  process.stderr.write(`alerts: invalid ALERT_RULES\n${error.message}\n`);
  process.exit(1);
}

const orgMap = await orgMapFromFile(config.SEAMLINE_ORG_MAP, logger);
const clickhouse = await connectClickHouse(clickhouseSettingsFromEnv(config), logger);
await migrate(clickhouse.client);
const metrics = createMetricsService(
  clickhouse.client,
  orgMap.current,
  journeyWindows(config),
  logger,
);
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

// SIGHUP re-reads the rules and the org map; a broken file leaves the one in force and logs why.
process.on('SIGHUP', () => {
  readRules()
    .then((next) => (rules = next))
    .catch((error: Error) => logger.error({ err: error }, 'alert rules not reloaded; the previous ones stay in force'));
  void orgMap.reload().catch(() => {});
});

const app = buildAlertsApp({ clickhouse: clickhouse.client, logger, scheduling: scheduler.running, registry });
await app.listen({ host: config.HOST, port: config.PORT });
logger.info({ intervalMs: config.ALERT_INTERVAL }, 'alerts scheduling');

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'stopping: finishing the evaluation in progress');
  // The run in progress finishes, so a delivered message has its state written before exit.
  await scheduler.stop();
  await app.close();
  await clickhouse.close();
  logger.info('stopped');
  process.exit(0);
}
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));
