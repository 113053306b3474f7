import { describe, expect, it } from 'vitest';
import { normaliseIdentifiers } from './identifiers.ts';
import { zendeskTicketCreated } from './test-events.ts';
import { validateCanonicalEvent } from './validate.ts';

const valid = zendeskTicketCreated({
  id: 'zd-4711-audit-1',
  customer: { email: ' Ann@Example.com ', phone: '+49 151 2345-678', billingId: ' cus_123 ' },
  contactId: 'ticket-4711',
  queue: 'Billing Tier 1',
});

describe('validateCanonicalEvent', () => {
  it('normalises an accepted event: UTC with milliseconds, identifiers, default direction', () => {
    const result = validateCanonicalEvent(valid);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.event.occurredAt).toBe('2026-03-01T10:00:00.000Z');
    expect(result.event.customer).toEqual({ email: 'ann@example.com', phone: '+491512345678', billingId: 'cus_123' });
    expect(result.event.direction).toBe('inbound');
  });

  it.each([
    [{ ...valid, type: 'ticket.teleported' }, 'type', /^type: /],
    [{ ...valid, occurredAt: '2026-03-01 10:00' }, 'occurredAt', /^occurredAt: /],
    [{ ...valid, occurredAt: '2026-03-01T10:00:00' }, 'occurredAt', /^occurredAt: /],
    [{ ...valid, id: '' }, 'id', /^id: /],
    [{ ...valid, id: 'x'.repeat(201) }, 'id', /^id: /],
    [{ ...valid, contactId: undefined }, 'contactId', /contactId: required for ticket.created/],
    [{ ...valid, source: 'Zendesk' }, 'source', /source: must be lowercase/],
    [{ ...valid, channel: 'pigeon' }, 'channel', /^channel: /],
    [{ ...valid, customer: {} }, 'customer', /customer: no valid identifier/],
    [{ ...valid, customer: { phone: '12345', email: 'unknown' } }, 'customer', /email blocked value; phone must be "\+" and 8 to 15 digits/],
    [{ ...valid, attributes: { note: 'x'.repeat(2_001) } }, 'attributes.note', /^attributes\.note: /],
    [{ ...valid, attributes: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`a${i}`, 'v'])) }, 'attributes', /at most 50 attributes/],
    [{ ...valid, attributes: { ['k'.repeat(101)]: 'v' } }, `attributes.${'k'.repeat(101)}`, /^attributes/],
    ['just a string', '', /expected object/],
  ])('rejects a bad event with the failing path and a reason (%#)', (input, path, reason) => {
    const result = validateCanonicalEvent(input);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.rejection.path).toBe(path);
    expect(result.rejection.reason).toMatch(reason);
  });

  it('accepts a billing event without contactId and keeps valid identifiers when one is dropped', () => {
    const result = validateCanonicalEvent({
      id: 'b1',
      type: 'billing.payment_failed',
      occurredAt: '2026-03-02T00:00:00Z',
      source: 'stripe',
      customer: { billingId: 'cus_b', phone: '+00000000000' },
      channel: 'billing',
    });
    expect(result.ok && result.event.customer).toEqual({ billingId: 'cus_b' });
    expect(result.ok && result.droppedIdentifiers).toEqual([{ kind: 'phone', value: '+00000000000', why: 'blocked value (zeros only)' }]);
  });
});

describe('normaliseIdentifiers', () => {
  it('takes a source-scoped id as "<source>:<kind>:<value>", its names lower-cased and its value kept', () => {
    expect(normaliseIdentifiers({ sourceId: ' Zendesk:User:5158 ' }).identifiers).toEqual({ sourceId: 'zendesk:user:5158' });
    expect(normaliseIdentifiers({ sourceId: 'stripe:charge:ch_3QdEm12eZvKYlo2C' }).identifiers).toEqual({ sourceId: 'stripe:charge:ch_3QdEm12eZvKYlo2C' });
    for (const bad of ['5158', 'zendesk:5158', 'zendesk:user:', 'zendesk:user:51 58', ':user:1']) {
      expect(normaliseIdentifiers({ sourceId: bad }).dropped[0]?.why, bad).toMatch(/<source>:<kind>:<value>/);
    }
  });

  it('accepts an event whose only identifier is a source-scoped id', () => {
    const result = validateCanonicalEvent({ ...valid, customer: { sourceId: 'zendesk:user:5158' } });
    expect(result.ok && result.event.customer).toEqual({ sourceId: 'zendesk:user:5158' });
  });

  it('strips spaces, dashes, dots and parentheses from phones and requires E.164', () => {
    expect(normaliseIdentifiers({ phone: '+1 (555) 010.9999' }).identifiers).toEqual({ phone: '+15550109999' });
    expect(normaliseIdentifiers({ phone: '0151 2345678' }).dropped[0]?.why).toMatch(/E\.164/);
    expect(normaliseIdentifiers({ phone: '+1234567' }).identifiers).toEqual({});
    expect(normaliseIdentifiers({ phone: '+1234567890123456' }).identifiers).toEqual({});
  });

  it('never lets blocked values identify anyone, whatever their case', () => {
    const { identifiers, dropped } = normaliseIdentifiers({ email: 'Anonymous', crmId: 'N/A', billingId: 'UNKNOWN' });
    expect(identifiers).toEqual({});
    expect(dropped.map((d) => d.kind)).toEqual(['email', 'billingId', 'crmId']);
  });
});
