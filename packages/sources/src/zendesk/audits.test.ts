import { validateCanonicalEvent } from '@seamline/schemas';
import { describe, expect, it } from 'vitest';
import { zendeskAdapter } from './index.ts';
import { GROUPS, eventsOf, loadFixture, ticketCreated } from './test-fixtures.ts';

const ANN = { email: 'ann.example@example.com', phone: '+49 151 2345-678', sourceId: 'zendesk:user:9001' };
const ticket4711 = { source: 'zendesk', customer: ANN, contactId: 'ticket-4711', channel: 'email', attributes: { viaChannel: 'email' } };

type Page = { audits: { events: Record<string, unknown>[] }[]; users?: unknown; tickets?: unknown };
const page = (): Page => loadFixture('ticket-audits-page') as Page;

describe('zendeskAdapter with Ticket Audits pages', () => {
  it('replays the audits of three tickets into their canonical events, in time order', () => {
    const events = eventsOf(zendeskAdapter.translate(page(), GROUPS));
    expect(events).toEqual([
      { ...ticket4711, id: 'zendesk-ticket-4711-created', type: 'ticket.created', occurredAt: '2026-03-02T09:00:03.000Z', queue: 'Billing Tier 1', direction: 'inbound' },
      { ...ticket4711, id: 'zendesk-ticket-4711-audit-900002-51010', type: 'ticket.reassigned', occurredAt: '2026-03-02T09:20:11.000Z', queue: 'Tech Support' },
      { ...ticket4711, id: 'zendesk-ticket-4711-audit-900004-51014', type: 'ticket.solved', occurredAt: '2026-03-02T10:02:15.000Z', queue: 'Tech Support', agent: 'zendesk-user-8101' },
      { ...ticket4711, id: 'zendesk-ticket-4711-audit-900005-51016', type: 'ticket.reopened', occurredAt: '2026-03-03T08:14:09.000Z', queue: 'Tech Support', agent: 'zendesk-user-8101' },
      { ...ticket4711, id: 'zendesk-ticket-4711-audit-900006-51018', type: 'ticket.solved', occurredAt: '2026-03-03T09:05:55.000Z', queue: 'Tech Support', agent: 'zendesk-user-8101' },
      { ...ticket4711, id: 'zendesk-ticket-4711-audit-900007-51019', type: 'ticket.closed', occurredAt: '2026-03-07T10:00:27.000Z', queue: 'Tech Support', agent: 'zendesk-user-8101' },
      {
        ...ticket4711,
        id: 'zendesk-ticket-4790-created',
        type: 'ticket.created',
        occurredAt: '2026-03-09T07:45:00.000Z',
        contactId: 'ticket-4790',
        queue: 'Billing Tier 1',
        direction: 'inbound',
        attributes: { viaChannel: 'email', followUpOf: 'ticket-4711' },
      },
      ticketCreated('4802', {
        occurredAt: '2026-03-09T11:30:00.000Z',
        customer: { phone: '+1 (415) 555-0142', sourceId: 'zendesk:user:9002' },
        queue: 'zendesk-group-360013',
        agent: 'zendesk-user-8102',
        channel: 'phone',
        direction: 'outbound',
        attributes: { viaChannel: 'voice' },
      }),
    ]);
  });

  it('produces events that all pass canonical validation and the same ids on a second delivery', () => {
    const first = eventsOf(zendeskAdapter.translate(page(), GROUPS));
    expect(first.every((event) => validateCanonicalEvent(event).ok)).toBe(true);
    expect(eventsOf(zendeskAdapter.translate(page(), GROUPS)).map((event) => event.id)).toEqual(first.map((event) => event.id));
  });

  it('gives a ticket creation the same id whether a webhook or an audit reports it', () => {
    const fromAudits = eventsOf(zendeskAdapter.translate(page(), GROUPS)).find((event) => event.type === 'ticket.created');
    const fromWebhook = eventsOf(zendeskAdapter.translate(loadFixture('webhook-ticket-lifecycle'), GROUPS))[0];
    expect(fromAudits?.id).toBe('zendesk-ticket-4711-created');
    expect(fromWebhook?.id).toBe(fromAudits?.id);
    expect(fromWebhook?.occurredAt).toBe(fromAudits?.occurredAt);
  });

  it('orders audits by time, whatever their order in the page', () => {
    const reversed = page();
    reversed.audits.reverse();
    expect(eventsOf(zendeskAdapter.translate(reversed, GROUPS))).toEqual(eventsOf(zendeskAdapter.translate(page(), GROUPS)));
  });

  it('falls back to the tickets sideload for requester and group when the page starts after creation', () => {
    const later = page();
    later.audits = later.audits.slice(4, 5); // 4711 reopened by the customer's reply
    const [reopened] = eventsOf(zendeskAdapter.translate(later, GROUPS));
    expect(reopened).toMatchObject({ type: 'ticket.reopened', queue: 'Tech Support', customer: ANN, channel: 'email' });
  });

  it('names the requester by id when the page has no users sideload; another event links the id', () => {
    const withoutUsers = page();
    delete withoutUsers.users;
    const events = eventsOf(zendeskAdapter.translate(withoutUsers, GROUPS));
    expect(events.length).toBeGreaterThan(0);
    expect(new Set(events.filter((e) => e.contactId === 'ticket-4711').map((e) => JSON.stringify(e.customer)))).toEqual(new Set([JSON.stringify({ sourceId: 'zendesk:user:9001' })]));
  });

  it('asks for the users and tickets sideloads when the requester of a ticket is unknown', () => {
    const bare = page();
    delete bare.users;
    delete bare.tickets;
    bare.audits = (bare.audits as Array<{ events: Array<{ field_name?: string }> }>).map((audit) => ({ ...audit, events: audit.events.filter((e) => e.field_name !== 'requester_id') }));
    const translation = zendeskAdapter.translate(bare, GROUPS);
    expect(translation.ok).toBe(false);
    expect(!translation.ok && translation.reason).toMatch(/its requester is unknown; request the page with include=users,tickets$/);
  });

  it('rejects a page whose status change carries a value of the wrong type, pointing at it', () => {
    const broken = page();
    broken.audits[3]!.events[1]!.value = 3;
    expect(zendeskAdapter.translate(broken, GROUPS)).toMatchObject({ ok: false, path: 'audits.3.events.1.value' });
  });

  it('accepts an empty page as no events', () => {
    expect(zendeskAdapter.translate({ audits: [], next_page: null }, GROUPS)).toEqual({ ok: true, events: [] });
  });
});
