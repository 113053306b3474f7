import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { testStack } from '@seamline/infra/testing';
import { startCompiledService, type ServiceName, type ServiceProcess } from '@seamline/infra/service-process';
import { freePort, startClickHouseServer } from './support/clickhouse-server.ts';
import { uniquePrefix, waitFor } from './support/wait.ts';

// `npm run build` compiles every workspace to dist/, and the compiled services start with node
// alone, as the image runs them: a workspace resolved to its TypeScript sources would stop the
// process (node does not run .ts files).

const root = resolve(import.meta.dirname, '..');
const listening = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/;

describe('the build', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'seamline-build-'));
  const processes: ServiceProcess[] = [];
  afterAll(() => {
    for (const process of processes) process.child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('compiles every workspace, and each service starts from its compiled JavaScript with node', async () => {
    await promisify(execFile)('npm', ['run', 'build'], { cwd: root, maxBuffer: 64 << 20 });
    const workspaces = ['packages', 'services'].flatMap((dir) => readdirSync(join(root, dir)).map((name) => join(dir, name)));
    for (const workspace of workspaces) {
      const manifest = JSON.parse(readFileSync(join(root, workspace, 'package.json'), 'utf8')) as { exports?: Record<string, Record<string, string>> };
      expect(readdirSync(join(root, workspace, 'dist')).some((file) => file.endsWith('.js')), workspace).toBe(true);
      // What a workspace exports has a compiled entry beside its sources.
      const compiled = manifest.exports?.['.']?.['seamline-compiled'];
      if (manifest.exports) expect(compiled && existsSync(join(root, workspace, compiled)), workspace).toBe(true);
    }

    const { server, url } = await startClickHouseServer(dataDir, await freePort());
    processes.push(server);
    const common = { HOST: '127.0.0.1', PORT: '0', CLICKHOUSE_URL: url, CLICKHOUSE_DATABASE: 'seamline_build' };
    const kafka = { KAFKA_BROKERS: testStack().kafkaBrokers.join(','), KAFKA_TOPIC_PREFIX: uniquePrefix('build') };
    const services: [ServiceName, Record<string, string>][] = [
      ['stitcher', { ...common, ...kafka }],
      ['ingest', { ...common, ...kafka }],
      ['metrics-api', common],
      ['alerts', { ...common, ALERT_RULES: join(root, 'infra/config/alerts.yaml'), ALERT_INTERVAL: '1h' }],
    ];
    for (const [name, env] of services) {
      const service = startCompiledService(name, env);
      processes.push(service);
      await waitFor(`compiled ${name} to listen`, () => listening.test(service.output()) || service.child.exitCode !== null, 90_000);
      expect(listening.test(service.output()), `${name} said:\n${service.output().slice(-2_000)}`).toBe(true);
      const base = listening.exec(service.output())![1]!;
      expect((await fetch(`${base}/healthz`)).status, name).toBe(200);
      expect(await (await fetch(`${base}/metrics`)).text(), name).toContain(`seamline_build_info{`);
      service.child.kill('SIGTERM');
      expect(await service.exited, `${name} stops cleanly on SIGTERM`).toBe(0);
    }
  }, 600_000);
});
