import { createServer } from 'node:net';
import { join } from 'node:path';
import { startScript, type ServiceProcess } from '@seamline/infra/service-process';
import { waitFor } from './wait.ts';

const serving = /listening at (http:\/\/127\.0\.0\.1:\d+)/;

/** A port nothing listens on now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * A ClickHouse server for service processes of a test: the embedded engine over HTTP, its data in
 * `dataDir`/clickhouse, on `port` (so a restart comes back on the same address). Resolves once it
 * listens.
 */
export async function startClickHouseServer(dataDir: string, port: number): Promise<{ server: ServiceProcess; url: string }> {
  const server = startScript('infra/clickhouse-http/main.ts', ['--data-dir', join(dataDir, 'clickhouse'), '--port', String(port)], {});
  await waitFor('ClickHouse to listen', () => serving.test(server.output()), 60_000);
  return { server, url: `http://127.0.0.1:${port}` };
}
