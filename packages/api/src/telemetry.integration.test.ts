import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClickHouse } from '@seamline/clickhouse';
import { openTestClickHouse } from '@seamline/clickhouse/testing';
import { createMetricsRegistry } from '@seamline/http';
import { testStack } from '@seamline/infra/testing';
import { EMPTY_ORG_MAP, parseOrgMap, type OrgMap } from '@seamline/journeys';
import { createLogger } from '@seamline/log';
import { createMetricsService } from '@seamline/metrics';
import { buildMetricsApp } from './app.ts';
import { stitchTiny, TINY_WINDOWS } from './tiny-store.ts';

// GET /metrics of the metric API: open without a key, with how fresh the stitched tables are.

const logger = createLogger({ service: 'metrics-api-telemetry-test', level: 'warn', pretty: false });
const fixture = new URL('../../../test/fixtures/tiny/', import.meta.url);
const read = (name: string) => readFileSync(new URL(name, fixture), 'utf8');
const sample = (text: string, name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? ([\\d.e+-]+)$`, 'm').exec(text)?.[1] ?? NaN);

describe('the metric API /metrics', () => {
  let clickhouse: ClickHouse;
  const orgMap = parseOrgMap(read('org.json'), 'org.json');
  let inForce: OrgMap = orgMap;
  beforeAll(async () => {
    clickhouse = await openTestClickHouse(testStack().clickhouseUrl);
    await stitchTiny(clickhouse.client, orgMap, logger);
  });
  afterAll(async () => clickhouse?.close());

  it('serves the age of the newest stored event, whether the tables hold the model in force, and the build, without a key', async () => {
    const metrics = createMetricsService(clickhouse.client, () => inForce, TINY_WINDOWS);
    const app = await buildMetricsApp({ clickhouse: clickhouse.client, metrics, orgMap: () => inForce, logger, auth: 'required', registry: createMetricsRegistry('metrics-api') });
    try {
      const newest = Math.max(...read('events.ndjson').split('\n').filter(Boolean).map((line) => Date.parse((JSON.parse(line) as { occurredAt: string }).occurredAt)));
      const response = await app.inject({ method: 'GET', url: '/metrics' });
      expect(response.statusCode).toBe(200);
      const age = sample(response.body, 'seamline_tables_latest_event_age_seconds');
      expect(Math.abs(age - (Date.now() - newest) / 1000)).toBeLessThan(60);
      expect(sample(response.body, 'seamline_tables_model_current')).toBe(1);
      expect(response.body).toMatch(/^seamline_build_info\{version="[^"]+",node="v\d+[^"]*",service="metrics-api"\} 1$/m);
      // A new org map in force that the tables were not built with yet: 0 until the stitcher rebuilds them.
      inForce = EMPTY_ORG_MAP;
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      expect(sample((await app.inject({ method: 'GET', url: '/metrics' })).body, 'seamline_tables_model_current')).toBe(0);
      // The API itself still needs a key.
      expect((await app.inject({ method: 'GET', url: '/v1/metrics/summary?from=2026-03-01T00:00:00Z&to=2026-04-01T00:00:00Z' })).statusCode).toBe(401);
    } finally {
      inForce = orgMap;
      await app.close();
    }
  });
});
