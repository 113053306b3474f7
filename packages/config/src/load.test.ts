import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, loadConfig } from './load.ts';
import { clickhouseEnv, httpEnv, kafkaEnv, metricsEnv, proxyEnv } from './fragments.ts';

const schema = z.object({ ...kafkaEnv, ...clickhouseEnv, ...httpEnv(8080), ...metricsEnv });

describe('loadConfig', () => {
  it('applies defaults and parses lists and durations', () => {
    const config = loadConfig('ingest', schema, { KAFKA_BROKERS: 'a:9092, b:9093' });
    expect(config.KAFKA_BROKERS).toEqual(['a:9092', 'b:9093']);
    expect(config.PORT).toBe(8080);
    expect(config.CLICKHOUSE_URL).toBeUndefined();
    expect(config.SEAMLINE_REPEAT_WINDOW).toBe(7 * 86400e3);
    expect(config.SEAMLINE_BILLING_WINDOW).toBe(72 * 3600e3);
  });

  it('names every bad variable and why in one message', () => {
    let error: unknown;
    try {
      loadConfig('ingest', schema, {
        KAFKA_BROKERS: 'no-port',
        PORT: 'eighty',
        CLICKHOUSE_URL: 'clickhouse:8123',
        SEAMLINE_REPEAT_WINDOW: 'a week',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain('ingest: invalid configuration');
    expect(message).toMatch(/KAFKA_BROKERS.*: each broker must be host:port/);
    expect(message).toContain('PORT: must be a number');
    expect(message).toContain('CLICKHOUSE_URL: must be a URL such as http://localhost:8123');
    expect(message).toContain('SEAMLINE_REPEAT_WINDOW: must be a duration such as 7d, 72h, 30m');
    expect((error as ConfigError).problems).toHaveLength(4);
  });

  it('reports a missing required variable', () => {
    expect(() => loadConfig('stitcher', schema, {})).toThrow('KAFKA_BROKERS: required but not set');
  });

  it('reads a secret from the file named by its _FILE variable', () => {
    const dir = mkdtempSync(join(tmpdir(), 'seamline-secret-'));
    writeFileSync(join(dir, 'url'), 'http://ch:8123\n');
    const config = loadConfig('stitcher', schema, { KAFKA_BROKERS: 'k:1', CLICKHOUSE_URL_FILE: join(dir, 'url') });
    expect(config.CLICKHOUSE_URL).toBe('http://ch:8123');
    // A *_FILE variable of another program is left alone.
    expect(() => loadConfig('stitcher', schema, { KAFKA_BROKERS: 'k:1', TF_CLI_CONFIG_FILE: '/nope' })).not.toThrow();
    expect(() => loadConfig('stitcher', schema, { KAFKA_BROKERS: 'k:1', CLICKHOUSE_URL_FILE: join(dir, 'nope') })).toThrow(
      `CLICKHOUSE_URL_FILE: ${join(dir, 'nope')}: file not found`,
    );
  });

  it('reads TRUST_PROXY as off, on, a number of hops or proxy addresses, and names a bad one', () => {
    const proxy = z.object(proxyEnv);
    const read = (value?: string) => loadConfig('test', proxy, value === undefined ? {} : { TRUST_PROXY: value }).TRUST_PROXY;
    expect([read(), read('false'), read('true'), read('2'), read('10.0.0.1, 10.1.0.0/16')]).toEqual([false, false, true, 2, ['10.0.0.1', '10.1.0.0/16']]);
    expect(() => read('the load balancer')).toThrow(/TRUST_PROXY: must be false, true, a number of hops, or a comma list/);
  });

  it('treats an empty value as unset', () => {
    expect(loadConfig('x', schema, { KAFKA_BROKERS: 'k:1', PORT: '' }).PORT).toBe(8080);
  });
});
