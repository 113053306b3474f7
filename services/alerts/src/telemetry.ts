import type { ClickHouseClient } from '@clickhouse/client';
import { Counter, Gauge, type Registry } from '@seamline/http';
import { registerTablesFreshness, type MetricsService } from '@seamline/metrics';
import type { RunReport } from './run.ts';

/** What the alerts service reports to Prometheus: rule evaluations by status, its last run, and the tables' freshness. */
export function alertsTelemetry(registry: Registry, client: ClickHouseClient, metrics: MetricsService) {
  registerTablesFreshness(registry, client, () => metrics.modelVersion());
  const evaluations = new Counter({ name: 'seamline_alerts_rule_evaluations_total', help: 'Rule evaluations, by status', labelNames: ['status'], registers: [registry] });
  const lastRun = new Gauge({ name: 'seamline_alerts_last_run_timestamp_seconds', help: 'When the rules were last evaluated (Unix time)', registers: [registry] });
  return {
    run(report: RunReport, at: Date) {
      for (const rule of report.rules) evaluations.inc({ status: rule.status });
      lastRun.set(at.getTime() / 1000);
    },
  };
}
