import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './index.ts';

describe('createLogger', () => {
  it('binds the service name and creates child loggers with bound fields', () => {
    const logger = createLogger({ service: 'stitcher', pretty: false, level: 'debug' });
    const child = logger.child({ topic: 'cx.raw.v1', partition: 2 });
    expect(logger.bindings()).toMatchObject({ service: 'stitcher' });
    expect(child.bindings()).toMatchObject({ service: 'stitcher', topic: 'cx.raw.v1', partition: 2 });
    expect(child.level).toBe('debug');
  });

  it('never writes a password into a log line', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logger = createLogger({ service: 'ingest', destination: sink });
    logger.info({ clickhouse: { url: 'http://ch:8123', password: 'hunter2' } }, 'connecting');
    expect(lines.join('')).not.toContain('hunter2');
    expect(JSON.parse(lines[0]!)).toMatchObject({ service: 'ingest', msg: 'connecting', clickhouse: { password: '[redacted]' } });
  });
});
