import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import type { Logger } from '@seamline/log';
import { namedCommand } from './tables/named-query.ts';

export interface ClickHouseSettings {
  /** A ClickHouse server; unset means the embedded engine (chDB) on disk under dataDir. */
  url?: string | undefined;
  database: string;
  username?: string | undefined;
  password?: string | undefined;
  /** Data directory of the embedded engine. */
  dataDir: string;
}

export type ClickHouseMode = 'server' | 'embedded';

export interface ClickHouse {
  client: ClickHouseClient;
  mode: ClickHouseMode;
  database: string;
  /** Where the data is: the server URL (without credentials) or the embedded data path. */
  location: string;
  close(): Promise<void>;
}

/** Settings from the shared environment fragment (clickhouseEnv of @seamline/config). */
export function clickhouseSettingsFromEnv(env: {
  CLICKHOUSE_URL?: string | undefined;
  CLICKHOUSE_DATABASE: string;
  CLICKHOUSE_USER?: string | undefined;
  CLICKHOUSE_PASSWORD?: string | undefined;
  SEAMLINE_DATA_DIR: string;
}): ClickHouseSettings {
  return {
    url: env.CLICKHOUSE_URL,
    database: env.CLICKHOUSE_DATABASE,
    username: env.CLICKHOUSE_USER,
    password: env.CLICKHOUSE_PASSWORD,
    dataDir: env.SEAMLINE_DATA_DIR,
  };
}

const clickhouseSettings = { date_time_input_format: 'best_effort', output_format_json_quote_64bit_integers: 0 } as const;

/** `database` is a plain identifier (CLICKHOUSE_DATABASE is checked as one). */
const createDatabase = (client: ClickHouseClient, database: string) => namedCommand(client, 'database.create', `CREATE DATABASE IF NOT EXISTS ${database}`);

/**
 * The one ClickHouse client factory. A server when `url` is set; otherwise chDB, loaded lazily
 * because it costs about 220 MB and only the embedded mode needs it. Creates the database.
 */
export async function connectClickHouse(settings: ClickHouseSettings, logger?: Logger): Promise<ClickHouse> {
  if (settings.url) {
    // Credentials may also be in the URL (http://user:pass@host:8123); only set ones override it.
    const credentials = {
      ...(settings.username !== undefined && { username: settings.username }),
      ...(settings.password !== undefined && { password: settings.password }),
    };
    const bootstrap = createClient({ url: settings.url, ...credentials });
    await createDatabase(bootstrap, settings.database);
    await bootstrap.close();
    const client = createClient({
      url: settings.url,
      ...credentials,
      database: settings.database,
      clickhouse_settings: clickhouseSettings,
      // A batch's ids as a query parameter run to hundreds of KB: past 4 KB they go in the body,
      // not in a URL that servers and proxies cap (ClickHouse at 1 MB, many proxies at 8 KB).
      use_multipart_params_auto: true,
    });
    const location = new URL(settings.url).origin;
    logger?.info({ clickhouse: location, database: settings.database }, 'ClickHouse server');
    return { client, mode: 'server', database: settings.database, location, close: () => client.close() };
  }
  const path = resolve(settings.dataDir, 'clickhouse');
  mkdirSync(path, { recursive: true });
  const { createChdbConnection } = await import('chdb/connection');
  // chdb ships its own copy of @clickhouse/client-common's types; the runtime contract is the same.
  const connection = withRawInserts(createChdbConnection({ path })) as unknown as NonNullable<
    NonNullable<Parameters<typeof createClient>[0]>['connection']
  >;
  const client = createClient({ connection, clickhouse_settings: clickhouseSettings });
  await createDatabase(client, settings.database);
  // The embedded connection ignores the client's `database` option; its one session keeps USE.
  await namedCommand(client, 'database.use', `USE ${settings.database}`);
  logger?.info({ clickhouse: 'embedded', path, database: settings.database }, 'ClickHouse embedded engine (chDB)');
  return { client, mode: 'embedded', database: settings.database, location: path, close: () => client.close() };
}

/** The one INSERT shape the client sends: `INSERT INTO t [(a, b)] FORMAT F`. */
const INSERT_QUERY = /^INSERT INTO (\S+)(?: \(([^()]*)\))? FORMAT (\w+)$/;
const RAW_FORMATS = new Set(['JSONEachRow', 'JSONCompactEachRow', 'CSV', 'TabSeparated', 'TSV']);

type ChdbConnection = ReturnType<(typeof import('chdb/connection'))['createChdbConnection']>;

/**
 * The embedded connection pastes an insert's rows into the SQL text, which the engine then parses
 * as one statement: about twice as slow as its raw insert, where the rows go to the format parser
 * as bytes. Inserts of that one shape take the raw path; anything else goes as before.
 */
function withRawInserts(connection: ChdbConnection): ChdbConnection {
  const insert = connection.insert.bind(connection);
  connection.insert = async (params) => {
    const match = INSERT_QUERY.exec(params.query.trim());
    const settings = params.clickhouse_settings;
    if (!match || !RAW_FORMATS.has(match[3]!) || (params.query_params && Object.keys(params.query_params).length > 0)) return insert(params);
    const chunks: Buffer[] = [];
    if (typeof params.values === 'string') chunks.push(Buffer.from(params.values));
    else for await (const chunk of params.values as AsyncIterable<Buffer | string>) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    const body = Buffer.concat(chunks);
    const query_id = params.query_id ?? randomUUID();
    const empty = { query_id, response_headers: {}, summary: { read_rows: '0', read_bytes: '0', written_rows: '0', written_bytes: '0', total_rows_to_read: '0', result_rows: '0', result_bytes: '0', elapsed_ns: '0' } };
    if (body.length === 0) return empty;
    const summary = await connection.chdb.rawInsert({
      table: match[1]!,
      values: body,
      format: match[3] as 'JSONEachRow',
      ...(match[2] !== undefined && { columns: match[2].split(',').map((c) => c.trim()) }),
      ...(settings && { settings: Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined)) as Record<string, string | number | boolean> }),
    });
    return { ...empty, summary: { ...empty.summary, written_rows: String(summary.rowsWritten), written_bytes: String(summary.bytesWritten), elapsed_ns: String(Math.round(summary.elapsed * 1e9)) } };
  };
  return connection;
}
