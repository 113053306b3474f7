import { mkdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type { ChdbResult, RawInsertFormat, Session } from 'chdb';
import { parseRequest, ServerError, utf8, type Request } from './request.ts';

/**
 * ClickHouse's HTTP interface, as far as @clickhouse/client uses it, in front of one chDB session:
 * several processes share one embedded store through CLICKHOUSE_URL, and a test can take the
 * server away and bring it back on the same data directory.
 *
 * One session has one current database and one set of settings, so every request runs in one
 * queue: its database (USE), settings and query parameters (SET) are applied just before its
 * statement, and settings a request does not name go back to the session's values at start.
 */

export interface ClickHouseHttpOptions {
  /** The engine's data directory; created when missing. */
  dataDir: string;
  host?: string;
  /** 0 picks a free port; ClickHouse's own 8123 when unset. */
  port?: number;
}

export interface ClickHouseHttp {
  url: string;
  port: number;
  /** Answers the requests in flight, closes every connection and the engine session. */
  close(): Promise<void>;
}

export const DEFAULT_PORT = 8123;

/** The one INSERT shape @clickhouse/client sends; its rows can go to the engine's parser as bytes. */
const CLIENT_INSERT = /^INSERT INTO ([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)?)(?: \(([^()]*)\))? FORMAT (\w+)$/;
const RAW_FORMATS: ReadonlySet<string> = new Set<RawInsertFormat>([
  'JSONEachRow', 'JSONCompactEachRow', 'CSV', 'CSVWithNames', 'TSV', 'TabSeparated', 'TSVWithNames', 'TabSeparatedWithNames',
]);

const TRAILING_FORMAT = /\bFORMAT\s+([A-Za-z][A-Za-z0-9_]*)\s*;?\s*$/i;
const INSERT_WITH_FORMAT = /^\s*INSERT\b[\s\S]*\bFORMAT\s+\w+\s*$/i;

/** The HTTP status ClickHouse answers a few error codes with; everything else is 500. */
const STATUS_BY_CODE = new Map<number, number>([
  ...[6, 25, 26, 27, 38, 41, 53, 62, 72, 117].map((code): [number, number] => [code, 400]),
  ...[46, 47, 50, 60, 73, 81, 115].map((code): [number, number] => [code, 404]),
  [48, 501],
]);

/** A ClickHouse string literal; backslash is an escape character inside one, so it is escaped too. */
function literal(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function settingValue(value: string): string {
  return /^-?\d+(\.\d+)?$/.test(value) ? value : literal(value);
}

function identifier(name: string): string {
  return `\`${name.replace(/\\/g, '\\\\').replace(/`/g, '\\`')}\``;
}

interface Outcome {
  body: Buffer;
  summary: Record<string, string>;
}

function summary(values: { readRows?: number; readBytes?: number; writtenRows?: number; writtenBytes?: number; elapsed?: number }): Record<string, string> {
  const read = String(values.readRows ?? 0);
  const readBytes = String(values.readBytes ?? 0);
  return {
    read_rows: read,
    read_bytes: readBytes,
    written_rows: String(values.writtenRows ?? 0),
    written_bytes: String(values.writtenBytes ?? 0),
    total_rows_to_read: '0',
    result_rows: read,
    result_bytes: readBytes,
    elapsed_ns: String(Math.max(0, Math.round((values.elapsed ?? 0) * 1e9))),
  };
}

/** The session and what it currently has applied, behind one queue. */
class Engine {
  #tail: Promise<unknown> = Promise.resolve();
  /** Settings changed from the session's start values, by name; null when a failed request may have changed it. */
  readonly #applied = new Map<string, string | null>();
  #database: string | undefined;

  constructor(
    private readonly session: Session,
    private readonly startSettings: ReadonlyMap<string, string>,
    readonly version: string,
    readonly timezone: string,
  ) {}

  static async open(path: string): Promise<Engine> {
    const { Session } = await import('chdb');
    const session = new Session(path);
    try {
      // Query parameters become SET statements here, where ClickHouse takes them unparsed from the
      // URL or form: a parameter of thousands of ids must not meet the limit on query text.
      await session.queryAsync('SET max_query_size = 67108864');
      const settings = await session.queryAsync('SELECT name, value FROM system.settings', { format: 'JSONCompactEachRow' });
      const startSettings = new Map(
        settings.text().split('\n').filter(Boolean).map((line) => JSON.parse(line) as [string, string]),
      );
      const [version = '', timezone = ''] = (await session.queryAsync('SELECT version(), timezone()', { format: 'TabSeparated' })).text().trim().split('\t');
      return new Engine(session, startSettings, version, timezone);
    } catch (error) {
      session.close();
      throw error;
    }
  }

  #enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(task);
    this.#tail = run.catch(() => undefined);
    return run;
  }

  execute(request: Request): Promise<Outcome> {
    return this.#enqueue(() => this.#execute(request));
  }

  /** Puts the settings back, so a later session in this process (they share the engine) starts clean. */
  close(): Promise<void> {
    return this.#enqueue(async () => {
      const resets = this.#settingStatements(new Map());
      if (resets.length > 0) await this.session.queryAsync(resets.join('; ')).catch(() => undefined);
      this.session.close();
      const { drainPending } = await import('chdb');
      await drainPending();
    });
  }

  #settingStatements(wanted: ReadonlyMap<string, string>): string[] {
    const statements: string[] = [];
    for (const [name, value] of wanted) {
      if (this.#applied.get(name) !== value) statements.push(`SET ${name} = ${settingValue(value)}`);
    }
    for (const name of this.#applied.keys()) {
      const start = this.startSettings.get(name);
      if (!wanted.has(name) && start !== undefined) statements.push(`SET ${name} = ${literal(start)}`);
    }
    return statements;
  }

  async #execute(request: Request): Promise<Outcome> {
    const prefix: string[] = [];
    if (request.database !== this.#database) prefix.push(`USE ${identifier(request.database)}`);
    prefix.push(...this.#settingStatements(request.settings));
    for (const [name, value] of request.params) prefix.push(`SET param_${name} = ${literal(value)}`);

    try {
      const outcome = await this.#run(request, prefix);
      this.#database = /\bUSE\b/i.test(request.sql) ? undefined : request.database;
      this.#settled(request.settings, true);
      return outcome;
    } catch (error) {
      this.#database = undefined;
      this.#settled(request.settings, false);
      throw error;
    }
  }

  /**
   * Records what the session now has: after a success the request's settings, and the start values
   * for the rest; after a failure any of them may or may not have been applied.
   */
  #settled(wanted: ReadonlyMap<string, string>, succeeded: boolean): void {
    for (const name of [...this.#applied.keys()]) {
      if (wanted.has(name)) continue;
      if (succeeded) this.#applied.delete(name);
      else this.#applied.set(name, null);
    }
    for (const [name, value] of wanted) {
      if (this.startSettings.has(name)) this.#applied.set(name, succeeded ? value : null);
    }
  }

  async #run(request: Request, prefix: string[]): Promise<Outcome> {
    const rawInsert = request.data !== undefined && request.params.size === 0 ? CLIENT_INSERT.exec(request.sql.trim()) : null;
    if (rawInsert && RAW_FORMATS.has(rawInsert[3]!) && request.data) {
      const columns = rawInsert[2]?.split(',').map((column) => column.trim());
      if (!columns || columns.every((column) => /^[A-Za-z0-9_]+$/.test(column))) {
        if (prefix.length > 0) await this.session.queryAsync(prefix.join('; '));
        const written = await this.session.insert({
          table: rawInsert[1]!,
          values: request.data,
          format: rawInsert[3] as RawInsertFormat,
          ...(columns && { columns }),
        });
        return { body: Buffer.alloc(0), summary: summary({ writtenRows: written.rowsWritten, writtenBytes: written.bytesWritten, elapsed: written.elapsed }) };
      }
    }

    let statement = request.sql;
    if (request.data !== undefined) {
      statement = `${statement}\n${utf8(request.data)}`;
      // The rows stay the last statement's own, whatever they contain.
      if (prefix.length > 0) await this.session.queryAsync(prefix.join('; '));
      prefix.length = 0;
    }
    const result: ChdbResult = await this.session.queryAsync([...prefix, statement].join(';\n'), { format: request.format });
    const bytes = result.bytes();
    return {
      body: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
      summary: summary({ readRows: result.rowsRead, readBytes: result.bytesRead, elapsed: result.elapsed }),
    };
  }
}

function contentType(format: string): string {
  if (/^(JSON|NDJSON|PrettyJSON)/i.test(format)) return 'application/json; charset=UTF-8';
  if (/^(TSV|TabSeparated)/i.test(format)) return 'text/tab-separated-values; charset=UTF-8';
  if (/^CSV/i.test(format)) return 'text/csv; charset=UTF-8';
  if (/^(RowBinary|Native|Parquet|Arrow|ORC|Avro|Protobuf|CapnProto|MsgPack|BSON|Npy)/i.test(format)) return 'application/octet-stream';
  return 'text/plain; charset=UTF-8';
}

/** Starts the server; resolves once it accepts connections. */
export async function startClickHouseHttp(options: ClickHouseHttpOptions): Promise<ClickHouseHttp> {
  const path = resolve(options.dataDir);
  mkdirSync(path, { recursive: true });
  const engine = await Engine.open(path);
  const host = options.host ?? '127.0.0.1';
  let inFlight = 0;
  let idle: (() => void) | undefined;

  const fail = (response: ServerResponse, error: unknown) => {
    const raw = error instanceof Error ? error.message : String(error);
    const code = /Code: (\d+)\./.exec(raw)?.[1];
    const message = code === undefined ? `Code: 1001. DB::Exception: ${raw}. (STD_EXCEPTION)` : raw;
    const text = /\(version [^)]*\)/.test(message) ? message : `${message} (version ${engine.version})`;
    response.writeHead(STATUS_BY_CODE.get(Number(code)) ?? 500, {
      'Content-Type': 'text/plain; charset=UTF-8',
      'X-ClickHouse-Exception-Code': code ?? '1001',
      'X-ClickHouse-Timezone': engine.timezone,
    });
    response.end(`${text}\n`);
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname === '/ping' && (request.method === 'GET' || request.method === 'HEAD')) {
      response.writeHead(200, { 'Content-Type': 'text/plain; charset=UTF-8' }).end('Ok.\n');
      return;
    }
    if (url.pathname !== '/') {
      request.resume();
      response.writeHead(404, { 'Content-Type': 'text/plain; charset=UTF-8' }).end(`There is no handle ${url.pathname}\n\nUse / or /ping for health checks.\n`);
      return;
    }
    if (request.method !== 'GET' && request.method !== 'POST') {
      request.resume();
      response.writeHead(405, { Allow: 'GET, POST', 'Content-Type': 'text/plain; charset=UTF-8' }).end(`Method ${request.method} is not allowed\n`);
      return;
    }
    if (request.method === 'GET' && !url.searchParams.has('query')) {
      response.writeHead(200, { 'Content-Type': 'text/plain; charset=UTF-8' }).end('Ok.\n');
      return;
    }
    const parsed = await parseRequest(request, url);
    const queryHeader = { 'X-ClickHouse-Query-Id': parsed.queryId, 'X-ClickHouse-Timezone': engine.timezone };
    if ((parsed.data === undefined || parsed.data.toString().trim() === '') && INSERT_WITH_FORMAT.test(parsed.sql)) {
      response.writeHead(200, { ...queryHeader, 'X-ClickHouse-Summary': JSON.stringify(summary({})) }).end();
      return;
    }
    if (parsed.sql.trim() === '') throw new ServerError(62, 'SYNTAX_ERROR', 'Empty query');
    const isInsert = /^\s*INSERT\b/i.test(parsed.sql);
    if (!isInsert) parsed.format = TRAILING_FORMAT.exec(parsed.sql)?.[1] ?? parsed.format;
    const outcome = await engine.execute(parsed);
    response.writeHead(200, {
      ...queryHeader,
      'X-ClickHouse-Format': parsed.format,
      'X-ClickHouse-Summary': JSON.stringify(outcome.summary),
      'Content-Type': contentType(parsed.format),
      'Content-Length': outcome.body.length,
    });
    response.end(outcome.body);
  };

  const server = createServer((request, response) => {
    inFlight += 1;
    handle(request, response)
      .catch((error: unknown) => {
        if (!response.headersSent) fail(response, error);
        else response.destroy();
      })
      .finally(() => {
        inFlight -= 1;
        if (inFlight === 0) idle?.();
      });
  });

  await new Promise<void>((listening, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? DEFAULT_PORT, host, () => {
      server.off('error', reject);
      listening();
    });
  }).catch(async (error: unknown) => {
    await engine.close();
    throw error;
  });
  const { port } = server.address() as AddressInfo;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    close() {
      closing ??= (async () => {
        const closed = new Promise<void>((done) => server.close(() => done()));
        server.closeIdleConnections();
        if (inFlight > 0) await new Promise<void>((done) => (idle = done));
        server.closeAllConnections();
        await closed;
        await engine.close();
      })();
      return closing;
    },
  };
}
