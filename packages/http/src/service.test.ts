import { get } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '@seamline/config';
import { createLogger } from '@seamline/log';
import { closeOnStop } from './close-on-stop.ts';
import { createHttpApp } from './index.ts';
import { runService, type ServiceProcess } from './service.ts';

const logger = createLogger({ service: 'test', level: 'silent', pretty: false });
const settings = { HOST: '127.0.0.1', PORT: 0 };

/** A process whose signals the test sends and whose exit and stderr it reads. */
function fakeProcess() {
  const listeners = new Map<string, () => void>();
  let exited: (code: number) => void = () => {};
  const written: string[] = [];
  const process: ServiceProcess = {
    once: (signal, listener) => listeners.set(signal, listener),
    on: (signal, listener) => listeners.set(signal, listener),
    exit: (code) => exited(code),
    stderr: { write: (text: string) => written.push(text) },
  };
  return {
    process,
    exit: new Promise<number>((resolve) => (exited = resolve)),
    stderr: () => written.join(''),
    signal: (name: string) => listeners.get(name)?.(),
    listens: (name: string) => listeners.has(name),
  };
}

describe('runService', () => {
  it('on SIGTERM stops the parts in order, then lets requests in flight finish, then closes the clients and exits 0', async () => {
    const steps: string[] = [];
    const fake = fakeProcess();
    let answer: () => void = () => {};
    const service = await runService({
      name: 'svc',
      config: () => settings,
      logger: () => logger,
      process: fake.process,
      start: async () => {
        const app = createHttpApp({ logger });
        app.get('/slow', async () => {
          await new Promise<void>((resolve) => (answer = resolve));
          steps.push('request answered');
          return { ok: true };
        });
        await closeOnStop(app, 'clickhouse', () => void steps.push('clickhouse closed'));
        await closeOnStop(app, 'producer', async () => void steps.push('producer closed'));
        return {
          app,
          stopFirst: [
            { name: 'consumer', stop: async () => void steps.push('consumer stopped') },
            { name: 'scheduler', stop: () => void steps.push('scheduler stopped') },
          ],
        };
      },
    });
    const address = service!.app.server.address() as AddressInfo;
    // One connection per request (no keep-alive), as a client of a stopping server would see it.
    const request = new Promise((resolve, reject) => {
      get({ host: '127.0.0.1', port: address.port, path: '/slow', agent: false }, (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => resolve(JSON.parse(body)));
      }).on('error', reject);
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    fake.signal('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(steps).toEqual(['consumer stopped', 'scheduler stopped']);
    answer();
    expect(await request).toEqual({ ok: true });
    expect(await fake.exit).toBe(0);
    expect(steps).toEqual(['consumer stopped', 'scheduler stopped', 'request answered', 'producer closed', 'clickhouse closed']);
    expect(fake.listens('SIGHUP')).toBe(false);
  });

  it('stops once when a second signal arrives during the stop', async () => {
    const fake = fakeProcess();
    let stops = 0;
    const service = await runService({
      name: 'svc',
      config: () => settings,
      logger: () => logger,
      process: fake.process,
      start: async () => ({ app: createHttpApp({ logger }), stopFirst: [{ name: 'part', stop: () => void stops++ }] }),
    });
    await Promise.all([service!.stop('SIGTERM'), service!.stop('SIGINT')]);
    expect(stops).toBe(1);
    expect(await fake.exit).toBe(0);
  });

  it('prints one line naming the service and the problem when it cannot start, and exits 1', async () => {
    const fake = fakeProcess();
    const service = await runService({
      name: 'metrics-api',
      config: () => settings,
      logger: () => logger,
      process: fake.process,
      start: async () => {
        throw new Error('org.yaml:2: queues.Q1.silo: missing (expected string)');
      },
    });
    expect(service).toBeUndefined();
    expect(await fake.exit).toBe(1);
    expect(fake.stderr()).toBe('metrics-api: cannot start: org.yaml:2: queues.Q1.silo: missing (expected string)\n');
    expect(fake.listens('SIGTERM')).toBe(false);
  });

  it('lists several problems of a failed start under one line', async () => {
    const fake = fakeProcess();
    await runService({
      name: 'alerts',
      config: () => settings,
      logger: () => logger,
      process: fake.process,
      start: async () => {
        throw new Error('ALERT_RULES: alerts.yaml:3: rules[0].metric: unknown\nALERT_RULES: alerts.yaml:7: rules[1]: give exactly one of above or below');
      },
    });
    expect(await fake.exit).toBe(1);
    expect(fake.stderr()).toBe(
      'alerts: cannot start:\n  ALERT_RULES: alerts.yaml:3: rules[0].metric: unknown\n  ALERT_RULES: alerts.yaml:7: rules[1]: give exactly one of above or below\n',
    );
  });

  it('prints a bad configuration as the one message naming every bad variable', async () => {
    const fake = fakeProcess();
    await runService({
      name: 'ingest',
      config: () => {
        throw new ConfigError('ingest', [{ variable: 'PORT', problem: 'must be a number' }]);
      },
      process: fake.process,
      start: async () => ({ app: createHttpApp({ logger }) }),
    });
    expect(await fake.exit).toBe(1);
    expect(fake.stderr()).toBe('ingest: invalid configuration\n  - PORT: must be a number\n');
  });

  it('runs every reload hook on SIGHUP; one that fails leaves the others and the service running', async () => {
    const fake = fakeProcess();
    const reloaded: string[] = [];
    const service = await runService({
      name: 'alerts',
      config: () => settings,
      logger: () => logger,
      process: fake.process,
      start: async () => ({
        app: createHttpApp({ logger }),
        reload: [
          { name: 'alert rules', reload: () => Promise.reject(new Error('alerts.yaml:3: bad')) },
          { name: 'org map', reload: async () => void reloaded.push('org map') },
        ],
      }),
    });
    fake.signal('SIGHUP');
    await service!.reload();
    expect(reloaded).toEqual(['org map', 'org map']);
    await service!.stop('SIGTERM');
    expect(await fake.exit).toBe(0);
  });
});
