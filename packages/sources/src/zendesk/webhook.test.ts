import { validateCanonicalEvent } from '@seamline/schemas';
import { describe, expect, it } from 'vitest';
import { zendeskAdapter } from './index.ts';
import { GROUPS, eventsOf, loadFixture, ticketCreated } from './test-fixtures.ts';

const ANN = { email: 'Ann.Example@example.com', phone: '+49 151 2345-678', sourceId: 'zendesk:user:9001' };
const ticket4711 = { source: 'zendesk', customer: ANN, contactId: 'ticket-4711', channel: 'email', attributes: { viaChannel: 'email' } };
const webhookEventId = (n: number) => `zendesk-ticket-4711-wh-0f6e2a7c-1b3d-4e5f-8a9b-0c1d2e3f4a0${n}`;

/** The created event of the lifecycle fixture, to build variants from. */
function createdWebhook(): Record<string, unknown> & { detail: Record<string, unknown> } {
  const [created] = loadFixture('webhook-ticket-lifecycle') as (Record<string, unknown> & { detail: Record<string, unknown> })[];
  return structuredClone(created!);
}

describe('zendeskAdapter with event-driven webhooks', () => {
  it('turns one ticket into created, reassigned, solved, reopened, solved and closed, in time order', () => {
    const events = eventsOf(zendeskAdapter.translate(loadFixture('webhook-ticket-lifecycle'), GROUPS));
    expect(events).toEqual([
      { ...ticket4711, id: 'zendesk-ticket-4711-created', type: 'ticket.created', occurredAt: '2026-03-02T09:00:03.000Z', queue: 'Billing Tier 1', direction: 'inbound' },
      { ...ticket4711, id: webhookEventId(3), type: 'ticket.reassigned', occurredAt: '2026-03-02T09:20:11.102Z', queue: 'Tech Support' },
      { ...ticket4711, id: webhookEventId(6), type: 'ticket.solved', occurredAt: '2026-03-02T10:02:15.000Z', queue: 'Tech Support', agent: 'zendesk-user-8101' },
      { ...ticket4711, id: webhookEventId(7), type: 'ticket.reopened', occurredAt: '2026-03-03T08:14:09.771Z', queue: 'Tech Support', agent: 'zendesk-user-8101' },
      { ...ticket4711, id: webhookEventId(8), type: 'ticket.solved', occurredAt: '2026-03-03T09:05:55.310Z', queue: 'Tech Support', agent: 'zendesk-user-8101' },
      { ...ticket4711, id: webhookEventId(9), type: 'ticket.closed', occurredAt: '2026-03-07T10:00:27.004Z', queue: 'Tech Support', agent: 'zendesk-user-8101' },
    ]);
  });

  it('produces events that all pass canonical validation, with normalised identifiers', () => {
    const events = eventsOf(zendeskAdapter.translate(loadFixture('webhook-ticket-lifecycle'), GROUPS));
    for (const event of events) {
      const validation = validateCanonicalEvent(event);
      expect(validation.ok).toBe(true);
      expect(validation.ok && validation.event.customer).toEqual({ email: 'ann.example@example.com', phone: '+491512345678', sourceId: 'zendesk:user:9001' });
    }
  });

  it('gives the same ids when the same deliveries arrive twice', () => {
    const ids = () => eventsOf(zendeskAdapter.translate(loadFixture('webhook-ticket-lifecycle'), GROUPS)).map((event) => event.id);
    expect(ids()).toEqual(ids());
  });

  it('makes a follow-up ticket a new contact of its own, remembering the ticket it follows', () => {
    const events = eventsOf(zendeskAdapter.translate(loadFixture('webhook-follow-up-created'), GROUPS));
    expect(events).toEqual([
      ticketCreated('4790', {
        occurredAt: '2026-03-09T07:45:00.000Z',
        customer: { email: 'ann.example@example.com', sourceId: 'zendesk:user:9001' },
        queue: 'Billing Tier 1',
        channel: 'email',
        direction: 'inbound',
        attributes: { viaChannel: 'email', followUpOf: 'ticket-4711' },
      }),
    ]);
  });

  it('names a group missing from the configured names zendesk-group-<id>, so it shows up as unmapped', () => {
    const events = eventsOf(zendeskAdapter.translate(loadFixture('webhook-ticket-lifecycle'), { groups: { '360011': 'Billing Tier 1' } }));
    expect(events.map((event) => event.queue)).toEqual(['Billing Tier 1', ...Array<string>(5).fill('zendesk-group-360012')]);
    expect(eventsOf(zendeskAdapter.translate(loadFixture('webhook-ticket-lifecycle'), {}))[0]?.queue).toBe('zendesk-group-360011');
  });

  it('reads a group change given as a bare id as well as { id }', () => {
    const change = { ...createdWebhook(), type: 'zen:event-type:ticket.group_changed', id: 'g-1', event: { current: 360012, previous: '360011' } };
    const [event] = eventsOf(zendeskAdapter.translate(change, GROUPS));
    expect(event).toMatchObject({ type: 'ticket.reassigned', queue: 'Tech Support', id: 'zendesk-ticket-4711-wh-g-1' });
  });

  it('marks a ticket outbound only when its via says so', () => {
    const outbound = createdWebhook();
    outbound.detail.via = { channel: 'voice', source: { rel: 'outbound' } };
    expect(eventsOf(zendeskAdapter.translate(outbound, GROUPS))[0]).toMatchObject({ direction: 'outbound', channel: 'phone' });
  });

  it('ignores deliveries that say nothing about the contact: comments, other statuses, user events', () => {
    const ignored = [
      { ...createdWebhook(), type: 'zen:event-type:ticket.comment_added', id: 'c-1' },
      { ...createdWebhook(), type: 'zen:event-type:ticket.status_changed', id: 's-1', event: { current: 'PENDING', previous: 'OPEN' } },
      { type: 'zen:event-type:user.active_changed', id: 'u-1', time: '2026-03-02T09:00:00Z', detail: { id: '9001' }, event: { current: false, previous: true } },
    ];
    expect(zendeskAdapter.translate(ignored, GROUPS)).toEqual({ ok: true, events: [] });
  });

  it('takes the requester from detail.requester when the template puts it there', () => {
    const delivery = createdWebhook();
    delete delivery.requester;
    delivery.detail.requester = { email: 'ann@example.com' };
    expect(eventsOf(zendeskAdapter.translate(delivery, GROUPS))[0]?.customer).toEqual({ email: 'ann@example.com', sourceId: 'zendesk:user:9001' });
  });

  it('names the requester by id when the webhook carries no email or phone, as Zendesk sends it', () => {
    const delivery = createdWebhook();
    delete delivery.requester;
    expect(eventsOf(zendeskAdapter.translate([delivery], GROUPS)).map((e) => [e.type, e.customer])).toEqual([['ticket.created', { sourceId: 'zendesk:user:9001' }]]);
  });

  it('takes the email and phone of a requester named only by id from the users export', () => {
    const delivery = createdWebhook();
    delete delivery.requester;
    const users = { '9001': { email: 'Ann@Example.com', phone: null } };
    expect(eventsOf(zendeskAdapter.translate([delivery], { ...GROUPS, users }))[0]?.customer).toEqual({ email: 'Ann@Example.com', sourceId: 'zendesk:user:9001' });
    expect(eventsOf(zendeskAdapter.translate([delivery], { ...GROUPS, users: { '9002': { email: 'bob@example.com' } } }))[0]?.customer).toEqual({ sourceId: 'zendesk:user:9001' });
  });

  it('rejects a ticket event that names no requester at all, saying so', () => {
    const delivery = createdWebhook();
    delete delivery.requester;
    delivery.detail.requester_id = null;
    expect(zendeskAdapter.translate([delivery], GROUPS)).toEqual({
      ok: false,
      reason: '0.detail.requester: ticket 4711 names no requester (no requester_id, email or phone)',
      path: '0.detail.requester',
    });
  });

  it('rejects the whole batch when one delivery is malformed, naming the delivery and the field', () => {
    const broken = createdWebhook();
    broken.detail.id = 'TICKET-4711';
    const translation = zendeskAdapter.translate([createdWebhook(), broken], GROUPS);
    expect(translation).toMatchObject({ ok: false, path: '1.detail.id' });
    expect(!translation.ok && translation.reason).toMatch(/^1\.detail\.id: must be a Zendesk id/);
  });

  it.each([
    ['a string', 'ticket created', ''],
    ['an object of another shape', { ticket: { id: 4711 } }, ''],
    ['an event type of another system', { type: 'invoice.paid', id: 'x', time: '2026-03-02T09:00:00Z' }, 'type'],
  ])('rejects %s with a reason', (_what, payload, path) => {
    const translation = zendeskAdapter.translate(payload, GROUPS);
    expect(translation).toMatchObject({ ok: false, path });
    expect(!translation.ok && translation.reason.length).toBeGreaterThan(0);
  });
});
