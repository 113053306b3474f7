import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startService } from '@seamline/infra/service-process';

describe('a service started with bad configuration', () => {
  it('ingest stops at start with one message naming every bad variable', async () => {
    const ingest = startService('ingest', { KAFKA_BROKERS: 'localhost', PORT: 'eighty', INGEST_MAX_BATCH_ITEMS: '-5' });
    expect(await ingest.exited).toBe(1);
    const message = ingest.output();
    expect(message).toContain('ingest: invalid configuration');
    expect(message).toContain('KAFKA_BROKERS.0: each broker must be host:port');
    expect(message).toContain('PORT: must be a number');
    expect(message).toMatch(/INGEST_MAX_BATCH_ITEMS: .*>0/);
  });

  it('stitcher names a missing KAFKA_BROKERS and a malformed CLICKHOUSE_URL', async () => {
    const stitcher = startService('stitcher', { CLICKHOUSE_URL: 'clickhouse:8123' });
    expect(await stitcher.exited).toBe(1);
    expect(stitcher.output()).toContain('stitcher: invalid configuration');
    expect(stitcher.output()).toContain('KAFKA_BROKERS: required but not set');
    expect(stitcher.output()).toContain('CLICKHOUSE_URL: must be a URL such as http://localhost:8123');
  });

  it('stops with the file, line and problem of a broken org map', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'seamline-badorg-'));
    writeFileSync(join(dir, 'org.yaml'), 'queues:\n  Q1: { team: t1 }\n');
    const api = startService('metrics-api', { SEAMLINE_ORG_MAP: join(dir, 'org.yaml'), SEAMLINE_DATA_DIR: dir });
    expect(await api.exited).toBe(1);
    expect(api.output()).toMatch(/metrics-api: cannot start: .*org\.yaml:2: queues\.Q1\.silo: missing/);
  });

  it('metrics-api names a malformed repeat window', async () => {
    const api = startService('metrics-api', { SEAMLINE_REPEAT_WINDOW: 'one week' });
    expect(await api.exited).toBe(1);
    expect(api.output()).toContain('metrics-api: invalid configuration');
    expect(api.output()).toContain('SEAMLINE_REPEAT_WINDOW: must be a duration such as 7d, 72h, 30m');
  });
});
