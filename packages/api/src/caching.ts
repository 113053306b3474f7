import fastifyEtag from '@fastify/etag';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** How long a browser or dashboard may reuse a figure without asking again. */
export const CACHE_CONTROL = 'private, max-age=30';

/** Responses that carry figures or journeys: a client may keep them for CACHE_CONTROL. */
const CACHEABLE_PATH = /^\/v1\/(?:metrics|teams|journeys)\//;
/** Every API response may be revalidated by its ETag. */
const API_PATH = /^\/v1\//;

const pathOf = (request: FastifyRequest) => request.url.split('?', 1)[0]!;

/**
 * Conditional GETs for the API: successful GET (and HEAD) responses under /v1/ carry an ETag
 * (@fastify/etag, a hash of the body) and `Vary: Authorization` (what a key may see differs),
 * figures, team pages and journeys also `Cache-Control: private, max-age=30`; a request whose
 * If-None-Match names the current ETag gets 304 and no body. Other responses carry no ETag.
 */
export async function registerCaching(app: FastifyInstance): Promise<void> {
  // @fastify/etag hashes every response; which ones keep the ETag, and the 304, are decided below.
  await app.register(fastifyEtag, { replyWith304: false });
  // Runs after @fastify/etag's onSend hook: hooks run in the order they were added.
  app.addHook('onSend', async (request, reply, payload) => {
    const path = pathOf(request);
    const conditional = (request.method === 'GET' || request.method === 'HEAD') && reply.statusCode === 200 && API_PATH.test(path);
    const etag = reply.getHeader('etag');
    if (!conditional || typeof etag !== 'string') {
      reply.removeHeader('etag');
      return payload;
    }
    addVary(reply, 'Authorization');
    if (CACHEABLE_PATH.test(path)) reply.header('cache-control', CACHE_CONTROL);
    if (!matches(request.headers['if-none-match'], etag)) return payload;
    reply.code(304);
    return '';
  });
}

/** If-None-Match holds `*` or the ETag, compared weakly (RFC 9110 §13.1.2), in a list or alone. */
function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return ifNoneMatch.split(',').some((tag) => tag.trim() === '*' || opaque(tag) === opaque(etag));
}

/** Adds a header to Vary, once. */
export function addVary(reply: FastifyReply, header: string): void {
  const current = reply.getHeader('vary');
  const values = (Array.isArray(current) ? current.join(',') : String(current ?? '')).split(',').map((v) => v.trim()).filter(Boolean);
  if (values.some((v) => v === '*' || v.toLowerCase() === header.toLowerCase())) return;
  reply.header('vary', [...values, header].join(', '));
}
