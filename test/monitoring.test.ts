import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { ClickHouse } from '@seamline/clickhouse';
import { openTestClickHouse } from '@seamline/clickhouse/testing';
import { createHttpApp, createMetricsRegistry, registerPrometheus } from '@seamline/http';
import { testStack } from '@seamline/infra/testing';
import { EMPTY_ORG_MAP } from '@seamline/journeys';
import { createLogger } from '@seamline/log';
import { createMetricsService, registerTablesFreshness } from '@seamline/metrics';
import { alertsTelemetry } from '../services/alerts/src/telemetry.ts';
import { ingestTelemetry } from '../packages/ingest-api/src/telemetry.ts';
import { stitcherTelemetry } from '../services/stitcher/src/telemetry.ts';

// The operators' side of a deployment: the example Prometheus alert rules and the Grafana
// dashboard are valid, test what they claim, and name only metrics the services export.

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '..');
const monitoring = join(root, 'infra/monitoring');
const logger = createLogger({ service: 'monitoring-test', level: 'silent', pretty: false });

/** Debian's promtool (package prometheus), as .ci/run installs it. */
function promtool(): string {
  const path = ['/usr/bin/promtool', '/usr/local/bin/promtool'].find((candidate) => existsSync(candidate));
  if (!path) throw new Error('promtool not found: install Debian\'s prometheus package (apt-get install --no-install-recommends prometheus), as .ci/run does');
  return path;
}

interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { type: string; uid: string };
  gridPos: { x: number; y: number; w: number; h: number };
  targets?: { refId: string; expr: string }[];
}
const dashboard = JSON.parse(readFileSync(join(monitoring, 'grafana/dashboards/seamline.json'), 'utf8')) as { uid: string; title: string; panels: Panel[] };
const rules = parse(readFileSync(join(monitoring, 'alert-rules.yml'), 'utf8')) as { groups: { rules: { alert: string; expr: string; labels: { severity: string }; annotations: Record<string, string> }[] }[] };
const alerts = rules.groups.flatMap((group) => group.rules);
const queries = dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => ({ panel: panel.title, expr: target.expr })));
/** The metric names an expression names (a histogram by its base name). */
const metricsOf = (expr: string) => [...expr.matchAll(/\bseamline_[a-z_]+/g)].map(([name]) => name.replace(/_(bucket|sum|count)$/, ''));

describe('monitoring: alert rules and the Grafana dashboard', () => {
  let clickhouse: ClickHouse;
  let exported: Set<string>;
  beforeAll(async () => {
    clickhouse = await openTestClickHouse(testStack().clickhouseUrl);
    // Every metric the services register, as their servers register them.
    const registry = createMetricsRegistry('test');
    ingestTelemetry(registry);
    stitcherTelemetry(registry);
    alertsTelemetry(registry, clickhouse.client, createMetricsService(clickhouse.client, () => EMPTY_ORG_MAP, { repeatWindowMs: 1, billingWindowMs: 1 }));
    const other = createMetricsRegistry('metrics-api');
    registerTablesFreshness(other, clickhouse.client, () => '');
    const app = createHttpApp({ logger });
    registerPrometheus(app, other);
    await app.close();
    exported = new Set([...registry.getMetricsAsArray(), ...other.getMetricsAsArray()].map((metric) => metric.name));
  });
  afterAll(async () => clickhouse?.close());

  it('has alert rules and a Prometheus configuration promtool accepts, and rules whose unit tests pass', async () => {
    const tool = promtool();
    await expect(run(tool, ['check', 'rules', join(monitoring, 'alert-rules.yml')])).resolves.toMatchObject({ stdout: expect.stringContaining(`SUCCESS: ${alerts.length} rules found`) });
    await expect(run(tool, ['check', 'config', '--syntax-only', join(monitoring, 'prometheus.yml')])).resolves.toBeDefined();
    const tested = await run(tool, ['test', 'rules', join(monitoring, 'alert-rules.test.yml')]);
    expect(tested.stdout).toContain('SUCCESS');
    // A stalled stitcher and a growing lag are among them, each with a severity and a summary.
    expect(alerts.map((alert) => alert.alert)).toEqual(expect.arrayContaining(['SeamlineStitcherStalled', 'SeamlineConsumerLagGrowing']));
    for (const alert of alerts) {
      expect(['critical', 'warning', 'info'], alert.alert).toContain(alert.labels.severity);
      expect(alert.annotations.summary, alert.alert).toBeTruthy();
    }
  });

  it('would be refused by promtool with a broken expression', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'seamline-rules-'));
    try {
      writeFileSync(join(dir, 'broken.yml'), 'groups:\n  - name: x\n    rules:\n      - alert: Broken\n        expr: sum(rate(seamline_stitcher_events_total[5m])\n');
      await expect(run(promtool(), ['check', 'rules', join(dir, 'broken.yml')])).rejects.toThrow(/FAILED|unclosed/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names in its alerts and panels only metrics the services export', () => {
    expect(exported.size).toBeGreaterThan(10);
    for (const { alert, expr } of alerts) for (const name of metricsOf(expr)) expect(exported, `${alert}: ${name}`).toContain(name);
    for (const { panel, expr } of queries) for (const name of metricsOf(expr)) expect(exported, `${panel}: ${name}`).toContain(name);
  });

  it("has a dashboard of throughput, lag, freshness, dead letters and API latency, each query valid PromQL, on the provisioned data source", async () => {
    const rows = dashboard.panels.filter((panel) => panel.type === 'row').map((panel) => panel.title);
    expect(rows).toEqual(['Throughput', 'Lag', 'Freshness', 'Dead letters', 'API latency']);
    const ids = dashboard.panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    const datasource = parse(readFileSync(join(monitoring, 'grafana/provisioning/datasources/prometheus.yml'), 'utf8')) as { datasources: { uid: string }[] };
    for (const panel of dashboard.panels.filter((p) => p.type !== 'row')) {
      expect(panel.datasource?.uid, panel.title).toBe(datasource.datasources[0]!.uid);
      expect(panel.gridPos.x + panel.gridPos.w, panel.title).toBeLessThanOrEqual(24);
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
    }
    // Each query as a recording rule: promtool parses every expression.
    const dir = mkdtempSync(join(tmpdir(), 'seamline-panels-'));
    try {
      const recording = { groups: [{ name: 'panels', rules: queries.map((query, i) => ({ record: `seamline_panel_${i}`, expr: query.expr })) }] };
      writeFileSync(join(dir, 'panels.yml'), JSON.stringify(recording));
      await expect(run(promtool(), ['check', 'rules', join(dir, 'panels.yml')])).resolves.toMatchObject({ stdout: expect.stringContaining(`SUCCESS: ${queries.length} rules found`) });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
