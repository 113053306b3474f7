import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** The dashboard's files as they are in the repository: plain HTML, CSS and ES modules, no build step. */
export const DASHBOARD_DIR = fileURLToPath(new URL('../../dashboard/', import.meta.url));

// The page holds an API key, so it runs only its own scripts and talks only to its own origin.
const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/**
 * GET /dashboard/: the team lead's dashboard (static files; the data comes from /v1 with the
 * user's API key, so the files themselves need none). GET / and /dashboard redirect to it.
 */
/** What a dashboard link shows: a team over whole days (YYYY-MM-DD, the last one included). */
export interface DashboardView {
  team?: string;
  firstDay?: string;
  lastDay?: string;
  asOf?: string;
}

/** The dashboard's address showing this view, as its controls write it into the URL. */
export function dashboardUrl(base: string, view: DashboardView): string {
  const params = new URLSearchParams();
  if (view.team) params.set('team', view.team);
  if (view.firstDay && view.lastDay) {
    params.set('period', 'custom');
    params.set('from', view.firstDay);
    params.set('to', view.lastDay);
  }
  if (view.asOf) params.set('asOf', view.asOf);
  const query = params.toString();
  return `${base.replace(/\/$/, '')}/dashboard/${query ? `?${query}` : ''}`;
}

export async function registerDashboard(app: FastifyInstance): Promise<void> {
  await app.register(fastifyStatic, {
    root: DASHBOARD_DIR,
    prefix: '/dashboard/',
    // No reply.sendFile decoration: another plugin (swagger-ui) may register @fastify/static too.
    decorateReply: false,
    index: ['index.html'],
    // Files change only with a deploy: browsers revalidate (Last-Modified), so a reload is cheap and never stale.
    cacheControl: true,
    maxAge: 0,
    setHeaders: (response) => {
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
    },
  });
  // The page's modules are addressed relative to /dashboard/, so both ways in end there.
  for (const url of ['/', '/dashboard']) app.get(url, { schema: { hide: true } }, (_request, reply) => reply.redirect('/dashboard/'));
}
