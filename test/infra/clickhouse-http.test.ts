import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClickHouseError, createClient, type ClickHouseClient } from '@clickhouse/client';
import { connectClickHouse, countEvents, migrate, readAllEvents, readMigrations, storeNewEvents, type ClickHouse } from '@seamline/clickhouse';
import { startClickHouseHttp, type ClickHouseHttp } from '@seamline/infra/clickhouse-http';
import { validateCanonicalEvent, type CanonicalEvent } from '@seamline/schemas';

// The server is this process's only chDB user: every client below goes through its URL.

function event(raw: Record<string, unknown>): CanonicalEvent {
  const result = validateCanonicalEvent(raw);
  if (!result.ok) throw new Error(result.rejection.reason);
  return result.event;
}

const events = [
  event({
    id: 'call-1', type: 'call.started', occurredAt: '2026-03-01T10:00:00.250Z', source: 'connect',
    customer: { phone: '+49 151 1111111' }, contactId: 'c1', queue: 'Phone', channel: 'phone',
  }),
  event({
    id: 'ticket-1', type: 'ticket.created', occurredAt: '2026-03-03T10:00:00Z', source: 'zendesk',
    customer: { email: 'ann@example.com' }, contactId: 't1', queue: 'Billing', channel: 'email',
  }),
];

const rows = async <T>(client: ClickHouseClient, query: string, query_params?: Record<string, unknown>) =>
  (await client.query({ query, format: 'JSONEachRow', ...(query_params && { query_params }) })).json<T>();

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the request to fail');
}

describe('the ClickHouse HTTP server on the embedded engine', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'seamline-clickhouse-http-'));
  let server: ClickHouseHttp;
  let clickhouse: ClickHouse;
  let other: ClickHouse | undefined;
  const extraClients: ClickHouseClient[] = [];

  beforeAll(async () => {
    server = await startClickHouseHttp({ dataDir, port: 0 });
    // dataDir of the embedded mode is never used: the url makes it the server path.
    clickhouse = await connectClickHouse({ url: server.url, database: 'seamline_http_test', dataDir: join(dataDir, 'unused') });
  });
  afterAll(async () => {
    await Promise.all([clickhouse?.close(), other?.close(), ...extraClients.map((client) => client.close())]);
    await server?.close();
  });

  it('answers ping on /ping and as a query, and 404 elsewhere', async () => {
    expect(clickhouse.mode).toBe('server');
    expect(await clickhouse.client.ping()).toEqual({ success: true });
    expect(await clickhouse.client.ping({ select: true })).toEqual({ success: true });
    const unknown = await fetch(`${server.url}/no-such-handler`);
    expect(unknown.status).toBe(404);
  });

  it('runs the migrations and stores events through the table helpers', async () => {
    const applied = await migrate(clickhouse.client);
    expect(applied).toEqual(readMigrations().map((migration) => migration.version));
    const tables = await rows<{ name: string }>(clickhouse.client, 'SELECT name FROM system.tables WHERE database = currentDatabase()');
    expect(tables.map((table) => table.name)).toEqual(expect.arrayContaining(['events_v1', 'schema_migrations_v1']));

    const first = await storeNewEvents(clickhouse.client, events);
    expect([first.stored.map((e) => e.id), first.duplicates]).toEqual([['call-1', 'ticket-1'], 0]);
    expect(await countEvents(clickhouse.client)).toEqual({ rows: 2, ids: 2 });
    // The second time the stored versions are found through an Array(String) parameter.
    const again = await storeNewEvents(clickhouse.client, events);
    expect([again.stored.length, again.duplicates]).toEqual([0, 2]);
    const read = (await readAllEvents(clickhouse.client)).sort((a, b) => a.id.localeCompare(b.id));
    expect(read.map((e) => [e.id, e.occurredAt, e.queue])).toEqual(events.map((e) => [e.id, e.occurredAt, e.queue]));
  });

  it('binds query parameters of type String, Array(String), DateTime64 and UInt32 the way a server does', async () => {
    const params = {
      s: "it's a back\\slash\tand a tab",
      a: ["o'ne", 'tw\\o', 'call-1'],
      t: new Date('2026-03-01T10:00:00.250Z'),
      n: 4_000_000_000,
    };
    const query = `SELECT {s:String} AS s, {a:Array(String)} AS a, toUnixTimestamp64Milli({t:DateTime64(3)}) AS t,
      {n:UInt32} AS n, toTypeName({n:UInt32}) AS n_type`;
    const expected = [{ s: params.s, a: params.a, t: params.t.getTime(), n: params.n, n_type: 'UInt32' }];
    expect(await rows(clickhouse.client, query, params)).toEqual(expected);
    // Long parameters go in a multipart body instead of the URL.
    const multipart = await clickhouse.client.query({ query, query_params: params, format: 'JSONEachRow', use_multipart_params: true });
    expect(await multipart.json()).toEqual(expected);

    const matching = await rows<{ id: string }>(
      clickhouse.client,
      'SELECT id FROM events_v1 WHERE id IN {ids:Array(String)} AND occurred_at = {at:DateTime64(3)} AND version < {max:UInt32} ORDER BY id',
      { ids: params.a, at: params.t, max: 1 },
    );
    expect(matching).toEqual([{ id: 'call-1' }]);
  });

  it('runs commands, and reports written rows of an insert', async () => {
    await clickhouse.client.command({ query: 'CREATE TABLE IF NOT EXISTS notes (who String, n UInt32) ENGINE = MergeTree ORDER BY n' });
    const inserted = await clickhouse.client.insert({
      table: 'notes',
      values: [{ who: 'a', n: 1 }, { who: 'a', n: 2 }, { who: 'a', n: 3 }],
      format: 'JSONEachRow',
    });
    expect(inserted.summary?.written_rows).toBe('3');
    expect(await rows(clickhouse.client, 'SELECT count() AS c FROM notes')).toEqual([{ c: 3 }]);
    await clickhouse.client.command({ query: 'TRUNCATE TABLE notes' });
    expect(await rows(clickhouse.client, 'SELECT count() AS c FROM notes')).toEqual([{ c: 0 }]);
    // An insert of no rows succeeds and writes nothing (the client itself skips empty arrays).
    const search = new URLSearchParams({ query: 'INSERT INTO notes (who, n) FORMAT JSONEachRow', database: 'seamline_http_test' });
    const empty = await fetch(`${server.url}/?${search}`, { method: 'POST', body: '' });
    expect([empty.status, await empty.text()]).toEqual([200, '']);
    expect(await rows(clickhouse.client, 'SELECT count() AS c FROM notes')).toEqual([{ c: 0 }]);
  });

  it('decodes gzip request bodies', async () => {
    const client = createClient({ url: server.url, database: 'seamline_http_test', compression: { request: true } });
    extraClients.push(client);
    await client.command({ query: 'CREATE TABLE IF NOT EXISTS gzipped (n UInt32) ENGINE = MergeTree ORDER BY n' });
    await client.insert({ table: 'gzipped', values: [{ n: 7 }, { n: 8 }], format: 'JSONEachRow' });
    expect(await rows(client, 'SELECT n FROM gzipped ORDER BY n')).toEqual([{ n: 7 }, { n: 8 }]);
  });

  it("rejects a syntax error with ClickHouse's error, code and type, and goes on serving", async () => {
    const error = await rejection(clickhouse.client.query({ query: 'SELEC 1', format: 'JSONEachRow' }));
    expect(error).toBeInstanceOf(ClickHouseError);
    expect(error).toMatchObject({ code: '62', type: 'SYNTAX_ERROR' });
    expect((error as Error).message).toMatch(/^Syntax error: failed at position \d+/);

    // On the wire: the code in a header, the message in the body, as a server sends them.
    const raw = await fetch(`${server.url}/`, { method: 'POST', body: 'SELEC 1' });
    expect(raw.ok).toBe(false);
    expect(raw.headers.get('x-clickhouse-exception-code')).toBe('62');
    expect(await raw.text()).toMatch(/^Code: 62\. DB::Exception: Syntax error: .*\(SYNTAX_ERROR\) \(version [\d.]+\)\n$/s);

    const missing = await rejection(clickhouse.client.query({ query: 'SELECT * FROM no_such_table', format: 'JSONEachRow' }));
    expect(missing).toMatchObject({ code: '60', type: 'UNKNOWN_TABLE' });
    expect(await rows(clickhouse.client, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });

  it('keeps two databases, and two sets of settings, apart while two clients use them at once', async () => {
    other = await connectClickHouse({ url: server.url, database: 'seamline_http_test_b', dataDir: join(dataDir, 'unused') });
    const quoting = createClient({
      url: server.url,
      database: 'seamline_http_test_b',
      clickhouse_settings: { output_format_json_quote_64bit_integers: 1, log_comment: "quoting client's" },
    });
    extraClients.push(quoting);
    await other.client.command({ query: 'CREATE TABLE IF NOT EXISTS notes (who String, n UInt32) ENGINE = MergeTree ORDER BY n' });

    const rounds = Array.from({ length: 12 }, (_, n) => n);
    const perClient = async (client: ClickHouseClient, who: string) => {
      const seen: unknown[] = [];
      for (const n of rounds) {
        await client.insert({ table: 'notes', values: [{ who, n }], format: 'JSONEachRow' });
        seen.push(...(await rows(client, 'SELECT currentDatabase() AS db, groupUniqArray(who) AS who FROM notes WHERE n < 100')));
      }
      return seen;
    };
    const plain = createClient({ url: server.url });
    extraClients.push(plain);
    const settingsSeen = async (client: ClickHouseClient) => {
      const seen: unknown[] = [];
      for (const _ of rounds) seen.push(...(await rows(client, "SELECT toUInt64(7) AS v, getSetting('log_comment') AS comment")));
      return seen;
    };
    const [a, b, unquoted, quoted, defaults] = await Promise.all([
      perClient(clickhouse.client, 'a'),
      perClient(other.client, 'b'),
      settingsSeen(clickhouse.client),
      settingsSeen(quoting),
      settingsSeen(plain),
    ]);
    expect(a).toEqual(rounds.map(() => ({ db: 'seamline_http_test', who: ['a'] })));
    expect(b).toEqual(rounds.map(() => ({ db: 'seamline_http_test_b', who: ['b'] })));
    expect(unquoted).toEqual(rounds.map(() => ({ v: 7, comment: '' })));
    expect(quoted).toEqual(rounds.map(() => ({ v: '7', comment: "quoting client's" })));
    // A request that names no settings gets the engine's own values, not the last request's.
    expect(defaults).toEqual(rounds.map(() => ({ v: 7, comment: '' })));
    expect(await rows(other.client, 'SELECT count() AS c FROM notes')).toEqual([{ c: rounds.length }]);
  });

  it('is gone after close, and a new server on the same data directory and port has the data', async () => {
    const { port } = server;
    await server.close();
    const refused = await rejection(clickhouse.client.query({ query: 'SELECT 1', format: 'JSONEachRow' }));
    expect(refused).toMatchObject({ code: 'ECONNREFUSED' });

    server = await startClickHouseHttp({ dataDir, port });
    expect(server.url).toBe(`http://127.0.0.1:${port}`);
    // The same clients carry on: the data of both databases is back.
    expect(await countEvents(clickhouse.client)).toEqual({ rows: 2, ids: 2 });
    expect(await rows(other!.client, "SELECT count() AS c FROM notes WHERE who = 'b'")).toEqual([{ c: 12 }]);
  });
});
