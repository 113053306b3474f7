import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testStack } from '@seamline/infra/testing';
import { validateCanonicalEvent, type CanonicalEvent } from '@seamline/schemas';
import { openTestClickHouse } from '../testing.ts';
import type { ClickHouse } from '../client.ts';
import { migrate } from '../migrations.ts';
import { countEvents, readAllEvents, readCustomersEvents, storeNewEvents } from './events.ts';
import { streamStoredKeys, type StoredKeyKind } from './stored-keys.ts';

function event(id: string, extra: Record<string, unknown> = {}): CanonicalEvent {
  const result = validateCanonicalEvent({
    id,
    type: 'ticket.created',
    occurredAt: '2026-03-01T11:00:00+01:00',
    source: 'zendesk',
    customer: { email: ' Ann@Example.com ', phone: '+49 151 2345-678' },
    contactId: `t-${id}`,
    queue: 'Billing Tier 1',
    channel: 'email',
    ...extra,
  });
  if (!result.ok) throw new Error(result.rejection.reason);
  return result.event;
}

describe('events table', () => {
  let clickhouse: ClickHouse;
  beforeAll(async () => {
    clickhouse = await openTestClickHouse(testStack().clickhouseUrl);
  });
  afterAll(async () => clickhouse?.close());

  it('creates its tables in the configured database, on the embedded engine too', async () => {
    const result = await clickhouse.client.query({
      query: "SELECT database FROM system.tables WHERE name = 'events_v1' AND database = currentDatabase()",
      format: 'JSONEachRow',
    });
    expect(await result.json()).toEqual([{ database: clickhouse.database }]);
  });

  it('stores an event and reads it back exactly, in UTC with milliseconds', async () => {
    const original = event('e1', { attributes: { plan: 'pro' }, reason: 'billing/double-charge' });
    await storeNewEvents(clickhouse.client, [original]);
    const [stored] = await readAllEvents(clickhouse.client);
    expect(stored).toEqual(original);
    expect(stored?.occurredAt).toBe('2026-03-01T10:00:00.000Z');
    expect(stored?.customer).toEqual({ email: 'ann@example.com', phone: '+491512345678' });
  });

  it('stores each id once, whether repeated in a batch or delivered again later', async () => {
    const first = await storeNewEvents(clickhouse.client, [event('e2'), event('e2'), event('e3')]);
    expect(first.stored.map((e) => e.id)).toEqual(['e2', 'e3']);
    expect(first.duplicates).toBe(1);
    const again = await storeNewEvents(clickhouse.client, [event('e1'), event('e2'), event('e4')]);
    expect(again.stored.map((e) => e.id)).toEqual(['e4']);
    expect(again.duplicates).toBe(2);
    expect(await countEvents(clickhouse.client)).toEqual({ rows: 4, ids: 4 });
  });

  it('keeps the newest copy of an updated record and ignores older ones', async () => {
    const copy = (updatedAt: string, queue: string) =>
      event('upd-1', { queue, attributes: { sourceUpdatedAt: updatedAt } });
    await storeNewEvents(clickhouse.client, [copy('2026-03-01T10:05:00Z', 'First')]);
    const newer = await storeNewEvents(clickhouse.client, [copy('2026-03-01T10:09:00Z', 'Second')]);
    const older = await storeNewEvents(clickhouse.client, [copy('2026-03-01T10:07:00Z', 'Stale')]);
    expect([newer.stored.length, older.duplicates]).toEqual([1, 1]);
    const stored = (await readAllEvents(clickhouse.client)).find((e) => e.id === 'upd-1');
    expect(stored?.queue).toBe('Second');
  });

  it("reads a customer's events in their newest copy, and not an event whose newest copy names someone else", async () => {
    const copy = (updatedAt: string, email: string) =>
      event('moved-1', { customer: { email }, contactId: 't-moved', attributes: { sourceUpdatedAt: updatedAt } });
    await storeNewEvents(clickhouse.client, [copy('2026-03-02T10:00:00Z', 'old@example.com'), event('moved-2', { customer: { email: 'old@example.com' } })]);
    expect((await readCustomersEvents(clickhouse.client, ['email:old@example.com'])).map((e) => e.id).sort()).toEqual(['moved-1', 'moved-2']);
    await storeNewEvents(clickhouse.client, [copy('2026-03-02T11:00:00Z', 'new@example.com')]);
    expect((await readCustomersEvents(clickhouse.client, ['email:old@example.com'])).map((e) => e.id)).toEqual(['moved-2']);
    const theirs = await readCustomersEvents(clickhouse.client, ['email:new@example.com']);
    expect(theirs.map((e) => [e.id, e.customer.email])).toEqual([['moved-1', 'new@example.com']]);
  });

  it('applies migrations again without error or change', async () => {
    await migrate(clickhouse.client);
    expect((await countEvents(clickhouse.client)).ids).toBe(7);
  });

  it('lists every stored event id and every ticket or call id, for the filter a restarted stitcher rebuilds', async () => {
    const billing = event('b-keys', { type: 'billing.payment_failed', channel: 'billing', source: 'stripe', contactId: undefined, queue: undefined });
    await storeNewEvents(clickhouse.client, [event('k-keys'), billing]);
    const keys = new Map<StoredKeyKind, Set<string>>([['event', new Set()], ['thread', new Set()], ['identifier', new Set()]]);
    await streamStoredKeys(clickhouse.client, (kind, value) => keys.get(kind)!.add(value));
    const stored = await readAllEvents(clickhouse.client);
    expect(keys.get('event')).toEqual(new Set(stored.map((e) => e.id)));
    expect(keys.get('event')).toContain('b-keys');
    expect(keys.get('thread')).toEqual(new Set(stored.flatMap((e) => (e.contactId === undefined ? [] : [e.contactId]))));
    expect(keys.get('thread')).toContain('t-k-keys');
  });
});
