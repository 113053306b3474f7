import { DEFAULT_PORT, startClickHouseHttp, type ClickHouseHttpOptions } from './server.ts';

/** tsx infra/clickhouse-http/main.ts --data-dir DIR [--port N] [--host H] */

const USAGE = 'usage: tsx infra/clickhouse-http/main.ts --data-dir DIR [--port N] [--host H]';

class UsageError extends Error {}

function parseArgs(args: string[]): ClickHouseHttpOptions {
  const values = new Map<string, string>();
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i]!;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (flag !== '--data-dir' && flag !== '--port' && flag !== '--host') throw new UsageError(`unknown argument ${arg}`);
    const value = inline ?? args[++i];
    if (value === undefined || value === '' || (inline === undefined && value.startsWith('--'))) throw new UsageError(`${flag} needs a value`);
    if (values.has(flag)) throw new UsageError(`${flag} given twice`);
    values.set(flag, value);
  }
  const dataDir = values.get('--data-dir');
  if (dataDir === undefined) throw new UsageError('--data-dir is required');
  const portText = values.get('--port');
  const port = portText === undefined ? DEFAULT_PORT : Number(portText);
  if (!/^\d+$/.test(portText ?? '0') || port > 65_535) throw new UsageError(`--port must be a port number from 0 to 65535 (got "${portText}")`);
  const host = values.get('--host');
  return { dataDir, port, ...(host !== undefined && { host }) };
}

let options: ClickHouseHttpOptions;
try {
  options = parseArgs(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  console.error(`clickhouse-http: ${error.message}\n${USAGE}`);
  process.exit(2);
}

const server = await startClickHouseHttp(options).catch((error: unknown) => {
  console.error(`clickhouse-http: cannot start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
console.log(`ClickHouse HTTP (embedded engine) listening at ${server.url}`);

let stopping = false;
const stop = (signal: NodeJS.Signals) => {
  if (stopping) return;
  stopping = true;
  server.close().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(`clickhouse-http: closing on ${signal} failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
