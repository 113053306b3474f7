import { validateCanonicalEvent } from '@seamline/schemas';
import type { Translation } from '../adapter.ts';
import type { ZendeskOptions } from './ticket.ts';
import { loadSourceFixture } from '../testing/fixture-mutations.ts';

export { eventsOf, mutate, mutationsArb, type Mutation } from '../testing/fixture-mutations.ts';

// Test support: the Zendesk fixtures and the group names the tests configure.

export type FixtureName = 'webhook-ticket-lifecycle' | 'webhook-follow-up-created' | 'ticket-audits-page';

export const loadFixture = (name: FixtureName): unknown => loadSourceFixture('zendesk', name);

/** 360013 is left out on purpose: it is the group nobody mapped. */
export const GROUPS: ZendeskOptions = { groups: { '360011': 'Billing Tier 1', '360012': 'Tech Support' } };

/** A ticket's creation as the adapter gives it: what every creation of that ticket has, and `fields`. */
export const ticketCreated = (ticketId: string, fields: Record<string, unknown>) => ({
  id: `zendesk-ticket-${ticketId}-created`,
  type: 'ticket.created',
  source: 'zendesk',
  contactId: `ticket-${ticketId}`,
  ...fields,
});

/** True when the caller would accept the whole payload: every event validates. */
export const allValid = (translation: Translation): boolean =>
  translation.ok && translation.events.every((event) => validateCanonicalEvent(event).ok);
