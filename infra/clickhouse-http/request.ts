import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

// The requests of ClickHouse's HTTP interface as @clickhouse/client sends them: the statement,
// its database, settings, query parameters and format, from the URL, a form or the body.

/** URL parameters that are part of the HTTP protocol, not settings. */
const PROTOCOL_PARAMS = new Set([
  'query', 'query_id', 'database', 'default_format', 'session_id', 'session_timeout', 'session_check',
  'user', 'password', 'quota_key', 'compress', 'decompress', 'role', 'buffer_size', 'stacktrace',
]);

/** Settings of ClickHouse's HTTP server layer; the embedded engine has no use for them, or rejects them. */
const HTTP_ONLY_SETTINGS = new Set([
  'wait_end_of_query', 'send_progress_in_http_headers', 'enable_http_compression', 'add_http_cors_header',
  'cancel_http_readonly_queries_on_client_close',
]);

export const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** An error in ClickHouse's own shape: `Code: N. DB::Exception: message. (TYPE)`. */
export class ServerError extends Error {
  constructor(readonly code: number, type: string, message: string) {
    super(`Code: ${code}. DB::Exception: ${message}. (${type})`);
  }
}

export const badArguments = (message: string) => new ServerError(36, 'BAD_ARGUMENTS', message);
export const notImplemented = (message: string) => new ServerError(48, 'NOT_IMPLEMENTED', message);

export interface Request {
  sql: string;
  /** Rows for an INSERT's FORMAT, sent after the statement (URL `query` plus body). */
  data?: Buffer;
  database: string;
  settings: Map<string, string>;
  params: Map<string, string>;
  format: string;
  queryId: string;
}

export function utf8(data: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    throw notImplemented('Input data is not UTF-8 text; binary input formats are not supported by this server');
  }
}

const DECODERS: Record<string, (data: Buffer) => Promise<Buffer>> = {
  gzip: promisify(zlib.gunzip),
  'x-gzip': promisify(zlib.gunzip),
  deflate: promisify(zlib.inflate),
  br: promisify(zlib.brotliDecompress),
};

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  const encoding = request.headers['content-encoding']?.trim().toLowerCase();
  if (!encoding || encoding === 'identity' || body.length === 0) return body;
  const decode = DECODERS[encoding];
  if (!decode) throw badArguments(`Unsupported Content-Encoding: ${encoding} (gzip, deflate and br are)`);
  try {
    return await decode(body);
  } catch (error) {
    throw new ServerError(354, 'ZLIB_INFLATE_FAILED', `Cannot decode the ${encoding} request body: ${(error as Error).message}`);
  }
}

/** The named parts of a multipart/form-data body (the client sends `query` and `param_*` this way when they are long). */
function multipartParts(body: Buffer, contentType: string): Map<string, string> {
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  if (!boundary) throw badArguments('multipart/form-data without a boundary');
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  const parts = new Map<string, string>();
  let start = body.indexOf(delimiter);
  while (start !== -1) {
    const from = start + delimiter.length;
    if (body.subarray(from, from + 2).toString() === '--') break;
    const end = body.indexOf(delimiter, from);
    if (end === -1) throw badArguments('multipart/form-data body is not terminated');
    const part = body.subarray(from, end);
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd === -1) throw badArguments('multipart/form-data part without headers');
    const name = /name="([^"]*)"/i.exec(part.subarray(0, headerEnd).toString())?.[1];
    if (name === undefined) throw badArguments('multipart/form-data part without a name');
    let value = part.subarray(headerEnd + 4);
    if (value.subarray(-2).toString() === '\r\n') value = value.subarray(0, -2);
    parts.set(name, value.toString());
    start = end;
  }
  return parts;
}

/** The request's statement, database, settings, parameters, format and id. */
export async function parseRequest(request: IncomingMessage, url: URL): Promise<Request> {
  const search = url.searchParams;
  for (const flag of ['compress', 'decompress']) {
    if (search.get(flag) === '1') throw notImplemented(`${flag}=1 (ClickHouse's native compression) is not supported; use HTTP Content-Encoding`);
  }
  const settings = new Map<string, string>();
  const params = new Map<string, string>();
  const addParam = (key: string, value: string) => {
    const name = key.slice('param_'.length);
    if (!NAME.test(name)) throw badArguments(`Invalid query parameter name: ${JSON.stringify(name)}`);
    params.set(name, value);
  };
  for (const [key, value] of search) {
    if (key.startsWith('param_')) addParam(key, value);
    else if (PROTOCOL_PARAMS.has(key) || HTTP_ONLY_SETTINGS.has(key) || key.startsWith('http_')) continue;
    else if (!NAME.test(key)) throw badArguments(`Invalid setting name: ${JSON.stringify(key)}`);
    else settings.set(key, value);
  }
  // readonly would stay on the shared session and refuse the next request's SET.
  if ((settings.get('readonly') ?? '0') !== '0') throw notImplemented('readonly is not supported by this server');

  let body = await readBody(request);
  let query = search.get('query') ?? undefined;
  const contentType = request.headers['content-type'] ?? '';
  if (/^multipart\/form-data/i.test(contentType)) {
    for (const [name, value] of multipartParts(body, contentType)) {
      if (name === 'query') query = value;
      else if (name.startsWith('param_')) addParam(name, value);
      else throw notImplemented(`multipart/form-data part ${JSON.stringify(name)} (external tables) is not supported`);
    }
    body = Buffer.alloc(0);
  }

  const database = search.get('database') || 'default';
  if (database.includes('\0')) throw badArguments('Invalid database name');
  const format = search.get('default_format') || 'TabSeparated';
  const queryId = search.get('query_id') || randomUUID();
  if (query !== undefined) {
    if (request.method === 'POST' && body.length > 0) return { sql: query, data: body, database, settings, params, format, queryId };
    return { sql: query, database, settings, params, format, queryId };
  }
  return { sql: utf8(body), database, settings, params, format, queryId };
}
