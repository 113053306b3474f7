import { validateCanonicalEvent } from '@seamline/schemas';
import { describe, expect, it } from 'vitest';
import { csvMappingSchema } from './mapping.ts';
import { csvAdapter, rowDigest } from './record.ts';
import { LEGACY_CRM_MAPPING } from './test-fixtures.ts';

const ROW = {
  event_id: 'e-1001',
  event_type: 'opened',
  timestamp: '2026-03-01 09:15:00',
  email: 'Ann@Example.com',
  phone: '+49 151 2345-678',
  account: 'cus_123',
  case_id: 'case-77',
  team_queue: 'Billing Tier 1',
  channel: 'email',
  reason: 'billing/double-charge',
  plan: 'pro',
};

const translate = (record: unknown) => csvAdapter.translate(record, LEGACY_CRM_MAPPING);

describe('csvAdapter: one parsed row', () => {
  it('translates a row to the canonical event, mapped values and timezone applied', () => {
    const translation = translate(ROW);
    expect(translation).toEqual({
      ok: true,
      events: [
        {
          id: 'legacy-crm-e-1001',
          type: 'ticket.created',
          occurredAt: '2026-03-01T08:15:00.000Z',
          source: 'legacy-crm',
          customer: { email: 'Ann@Example.com', phone: '+49 151 2345-678', billingId: 'cus_123' },
          contactId: 'case-77',
          queue: 'Billing Tier 1',
          channel: 'email',
          reason: 'billing/double-charge',
          attributes: { plan: 'pro' },
        },
      ],
    });
    expect(translation.ok && validateCanonicalEvent(translation.events[0]).ok).toBe(true);
  });

  it('treats empty and blank cells as absent, falling back to the constant', () => {
    const translation = translate({ ...ROW, phone: '', account: '  ', channel: '', reason: '', plan: '' });
    expect(translation.ok && translation.events[0]).toEqual({
      id: 'legacy-crm-e-1001',
      type: 'ticket.created',
      occurredAt: '2026-03-01T08:15:00.000Z',
      source: 'legacy-crm',
      customer: { email: 'Ann@Example.com' },
      contactId: 'case-77',
      queue: 'Billing Tier 1',
      channel: 'email',
    });
  });

  it('passes a canonical value through when the value map does not know it', () => {
    const translation = translate({ ...ROW, event_type: 'ticket.reopened' });
    expect(translation.ok && translation.events[0]?.type).toBe('ticket.reopened');
  });

  it('identifies a row without an id by the digest of its cells, the same for every replay', () => {
    const row = { ...ROW, event_id: '' };
    const first = translate(row);
    const reordered = translate(Object.fromEntries(Object.entries(row).reverse()));
    expect(first.ok && first.events[0]?.id).toBe(`csv-${rowDigest(row)}`);
    expect(first.ok && first.events[0]?.id).toMatch(/^csv-[0-9a-f]{64}$/);
    expect(reordered).toEqual(first);
    expect(translate({ ...row, plan: 'basic' })).not.toEqual(first);
  });

  it('names the column and the cell of a value that is not canonical', () => {
    expect(translate({ ...ROW, event_type: 'closed' })).toEqual({
      ok: false,
      reason: expect.stringMatching(/^type: .* \(column "event_type" has "closed"\)$/),
      path: 'type',
    });
    expect(translate({ ...ROW, email: '', phone: 'call me', account: '' })).toEqual({
      ok: false,
      reason: expect.stringMatching(/^customer: no valid identifier .*column "phone" has "call me"/),
      path: 'customer',
    });
  });

  it('names the column and the text of a bad timestamp', () => {
    expect(translate({ ...ROW, timestamp: '31.02.2026' })).toEqual({
      ok: false,
      reason: 'occurredAt: column "timestamp" has "31.02.2026": expected a date and time such as 2026-03-01T10:00:00Z or 2026-03-01 10:00',
      path: 'occurredAt',
    });
  });

  it('rejects a row that lacks a mapped column, naming every missing one', () => {
    const { plan: _plan, reason: _reason, ...partial } = ROW;
    expect(translate(partial)).toEqual({
      ok: false,
      reason: 'the header has no column "reason", "plan", which the mapping names',
      path: 'reason',
    });
  });

  it('rejects a payload that is not an object of strings', () => {
    expect(translate(['e-1001'])).toMatchObject({ ok: false });
    expect(translate({ ...ROW, plan: 3 })).toMatchObject({ ok: false, path: 'plan' });
  });

  it('does not look values up on Object.prototype', () => {
    const mapping = csvMappingSchema.parse({ ...LEGACY_CRM_MAPPING, values: { type: {} } });
    const translation = csvAdapter.translate({ ...ROW, event_type: 'constructor' }, mapping);
    expect(translation).toMatchObject({ ok: false, path: 'type' });
  });
});
