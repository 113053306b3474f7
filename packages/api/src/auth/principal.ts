import type { FastifyReply, FastifyRequest } from 'fastify';

/** Who is asking, as their API key says. */
export interface Principal {
  keyId: string;
  /** Admin keys see every team, silo- and org-wide figures, and may manage keys. */
  admin: boolean;
  /** The teams a team key may see. */
  teams: readonly string[];
  /** May see customer identifiers (email, phone, …) unmasked. */
  pii: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth plugin on every /v1 request it lets through. */
    principal?: Principal;
  }
}

/** The principal of a request with authentication off: sees everything (embedded demo, tests). */
export const UNRESTRICTED: Principal = { keyId: 'unrestricted', admin: true, teams: [], pii: true };

export function principalOf(request: FastifyRequest): Principal {
  return request.principal ?? UNRESTRICTED;
}

export function canSeeTeam(principal: Principal, team: string): boolean {
  return principal.admin || principal.teams.includes(team);
}

/**
 * Answers 403 and returns false unless the principal may see figures of this scope: a team it
 * holds, or anything at all for admins (silo- and org-wide figures need admin).
 */
export function checkScope(request: FastifyRequest, reply: FastifyReply, scope: { team?: string | undefined; silo?: string | undefined }): boolean {
  const principal = principalOf(request);
  if (principal.admin) return true;
  if (scope.team !== undefined && scope.silo === undefined && canSeeTeam(principal, scope.team)) return true;
  const what = scope.team !== undefined ? `team "${scope.team}"` : scope.silo !== undefined ? `silo "${scope.silo}"` : 'organisation-wide figures';
  void reply.code(403).send({ error: `this API key may not see ${what}; it sees teams: ${principal.teams.join(', ') || '(none)'}` });
  return false;
}

/** Answers 403 and returns false unless the principal holds an admin key. */
export function requireAdmin(request: FastifyRequest, reply: FastifyReply, what: string): boolean {
  if (principalOf(request).admin) return true;
  void reply.code(403).send({ error: `this API key may not see ${what}: that needs an admin key` });
  return false;
}
