import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CHANNELS, EVENT_TYPES } from './event.ts';
import { asNormalForm } from './normal-form.ts';
import { zendeskTicketCreated } from './test-events.ts';
import { validateCanonicalEvent } from './validate.ts';

const pieces = {
  id: fc.oneof(fc.string({ minLength: 0, maxLength: 3 }), fc.constantFrom('evt-1', 'x'.repeat(201))),
  type: fc.oneof(fc.constantFrom(...EVENT_TYPES), fc.constantFrom('ticket.teleported', 'TICKET.created')),
  occurredAt: fc.oneof(
    fc.date({ min: new Date('1900-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString()),
    fc.constantFrom('2026-03-01T10:00:00Z', '2026-03-01T11:00:00.000+01:00', '2026-02-30T10:00:00.000Z', '2026-03-01 10:00', ''),
  ),
  source: fc.constantFrom('zendesk', 'Zendesk', 'stripe', '', 'a-b.c_d'),
  customer: fc.record(
    {
      email: fc.constantFrom('ann@example.com', ' ann@example.com', 'Ann@Example.com', '', 'unknown', 'x@y'),
      phone: fc.constantFrom('+491512345678', '+49 151 2345678', '+0000000000', '12345', '+1234567890123456'),
      billingId: fc.constantFrom('cus_1', ' cus_1', 'n/a', ''),
      crmId: fc.constantFrom('0015g', 'ANONYMOUS', '0015g '),
    },
    { requiredKeys: [] },
  ),
  contactId: fc.constantFrom('ticket-1', '', 'x'.repeat(201)),
  queue: fc.constantFrom('Billing Tier 1', ''),
  agent: fc.constantFrom('agent-7', ''),
  channel: fc.oneof(fc.constantFrom(...CHANNELS), fc.constant('pigeon')),
  direction: fc.constantFrom('inbound', 'outbound', 'sideways'),
  reason: fc.constantFrom('billing/x', ''),
  attributes: fc.oneof(fc.dictionary(fc.string({ minLength: 0, maxLength: 3 }), fc.string({ maxLength: 3 }), { maxKeys: 3 }), fc.constant({ v: 'x'.repeat(2_001) })),
  extra: fc.constant('unknown field'),
};

describe('asNormalForm', () => {
  it('takes an event exactly when the full validator would accept it unchanged', () => {
    fc.assert(
      fc.property(fc.record(pieces, { requiredKeys: ['id', 'type', 'occurredAt', 'source', 'customer', 'channel'] }), (raw) => {
        const fast = asNormalForm(raw);
        const full = validateCanonicalEvent(raw);
        const unchanged = full.ok && full.droppedIdentifiers.length === 0 && JSON.stringify(full.event) === JSON.stringify(raw);
        if (fast) {
          expect(full.ok).toBe(true);
          if (full.ok) expect(full.event).toEqual(fast);
        }
        // Whatever the validator accepts unchanged, the cheap check takes too (no needless full parse).
        if (unchanged && !('extra' in raw)) expect(fast).toBe(raw);
      }),
      { numRuns: 5_000 },
    );
  });

  it('takes what ingest produced', () => {
    const result = validateCanonicalEvent(
      zendeskTicketCreated({
        id: 'zd-1',
        customer: { email: ' Ann@Example.com ', phone: '+49 151 2345-678' },
        contactId: 'ticket-1',
        attributes: { plan: 'pro' },
      }),
    );
    if (!result.ok) throw new Error(result.rejection.reason);
    const wire = JSON.parse(JSON.stringify(result.event)) as unknown;
    expect(asNormalForm(wire)).toEqual(result.event);
    expect(asNormalForm({ ...(wire as object), customer: { email: 'anonymous' } })).toBeUndefined();
    expect(asNormalForm({ ...(wire as object), customer: { email: 'ann@example.com' } }, ['ann@example.com'])).toBeUndefined();
  });
});
