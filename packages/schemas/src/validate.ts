import type { z } from 'zod';
import { canonicalEventV1, type CanonicalEvent } from './event.ts';
import { normaliseIdentifiers, type DroppedIdentifier } from './identifiers.ts';

export interface Rejection {
  /** A sentence a person can act on. */
  reason: string;
  /** Path of the failing field, e.g. "customer.phone"; "" for the whole payload. */
  path: string;
}

export type Validation =
  | { ok: true; event: CanonicalEvent; droppedIdentifiers: DroppedIdentifier[] }
  | { ok: false; rejection: Rejection };

export interface ValidateOptions {
  blockedIdentifiers?: readonly string[];
}

function firstIssue(error: z.ZodError): Rejection {
  const issue = error.issues[0];
  if (!issue) return { reason: 'invalid event', path: '' };
  const path = issue.path.map(String).join('.');
  return { reason: path ? `${path}: ${issue.message}` : issue.message, path };
}

const NEEDS_CONTACT = /^(ticket|call)\./;

/**
 * Validates one raw canonical event and returns it normalised (UTC ms timestamp, normalised
 * identifiers, default direction), or the rejection that makes it a dead letter.
 */
export function validateCanonicalEvent(raw: unknown, options: ValidateOptions = {}): Validation {
  const parsed = canonicalEventV1.safeParse(raw);
  if (!parsed.success) return { ok: false, rejection: firstIssue(parsed.error) };
  const input = parsed.data;
  if (NEEDS_CONTACT.test(input.type) && input.contactId === undefined) {
    return {
      ok: false,
      rejection: { reason: `contactId: required for ${input.type}`, path: 'contactId' },
    };
  }
  const time = Date.parse(input.occurredAt);
  if (Number.isNaN(time)) {
    return { ok: false, rejection: { reason: 'occurredAt: not a valid date', path: 'occurredAt' } };
  }
  const { identifiers, dropped } = normaliseIdentifiers(input.customer, options.blockedIdentifiers);
  if (Object.keys(identifiers).length === 0) {
    const detail = dropped.map((d) => `${d.kind} ${d.why}`).join('; ');
    return {
      ok: false,
      rejection: {
        reason: `customer: no valid identifier${detail ? ` (${detail})` : ' (need email, phone, billingId, crmId or sourceId)'}`,
        path: 'customer',
      },
    };
  }
  const event: CanonicalEvent = {
    ...input,
    occurredAt: new Date(time).toISOString(),
    customer: identifiers,
    direction: input.direction ?? 'inbound',
  };
  return { ok: true, event, droppedIdentifiers: dropped };
}
