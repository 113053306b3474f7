import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClickHouse } from '@seamline/clickhouse';
import { openTestClickHouse } from '@seamline/clickhouse/testing';
import { testStack } from '@seamline/infra/testing';
import { EMPTY_ORG_MAP } from '@seamline/journeys';
import { createMetricsService } from './metrics-service.ts';
import { resetStore, stitch, validEvents, WINDOWS } from './test-store.ts';

let clickhouse: ClickHouse;
beforeAll(async () => {
  clickhouse = await openTestClickHouse(testStack().clickhouseUrl);
  await resetStore(clickhouse.client);
});
afterAll(async () => clickhouse?.close());

const DAY = 86_400_000;
const START = Date.parse('2026-03-02T09:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();
const ticket = (n: number, atMs: number) => ({
  id: `cache-${n}`,
  type: 'ticket.created',
  occurredAt: iso(atMs),
  source: 'zendesk',
  customer: { email: `customer${n}@example.com` },
  contactId: `t-${n}`,
  queue: 'Q1',
  channel: 'email',
});
const period = { from: '2026-03-01T00:00:00.000Z', to: '2026-04-01T00:00:00.000Z' };

describe('answers reused while the tables are unchanged', () => {
  const orgMap = EMPTY_ORG_MAP;
  let service: ReturnType<typeof createMetricsService>;
  beforeAll(async () => {
    service = createMetricsService(clickhouse.client, () => orgMap, WINDOWS);
    await stitch(clickhouse.client, validEvents([ticket(1, START)]), orgMap);
  });

  it('reuses an answer for the same question, stamped with the asOf asked for', async () => {
    const asOf = START + 10 * DAY;
    const first = await service.summary({ ...period, asOf: iso(asOf) });
    const before = service.cacheStats();
    const second = await service.summary({ ...period, asOf: iso(asOf + 1000) });
    expect(service.source()).toBe('tables');
    expect(service.cacheStats().hits).toBe(before.hits + 1);
    expect(second).toEqual({ ...first, asOf: iso(asOf + 1000) });
  });

  it('computes again once a contact matures after the asOf an answer was computed for', async () => {
    // W is 7 days: the contact of START is not mature 6 days later, and is 8 days later.
    const young = await service.summary({ ...period, asOf: iso(START + 6 * DAY) });
    expect(young.matureContacts).toBe(0);
    const misses = service.cacheStats().misses;
    const mature = await service.summary({ ...period, asOf: iso(START + 8 * DAY) });
    expect(service.cacheStats().misses).toBe(misses + 1);
    expect(mature.matureContacts).toBe(1);
  });

  it('computes again after a write to the tables, and the new event counts', async () => {
    const asOf = iso(START + 20 * DAY);
    expect((await service.summary({ ...period, asOf })).contacts).toBe(1);
    await stitch(clickhouse.client, validEvents([ticket(1, START), ticket(2, START + DAY)]), orgMap);
    const after = await service.summary({ ...period, asOf });
    expect(after.contacts).toBe(2);
    const teams = await service.teams({ ...period, asOf });
    expect(teams.teams.map((t) => [t.team, t.contacts, t.asOf])).toEqual([['unmapped:Q1', 2, asOf]]);
  });

  it('answers from the tables for an asOf at or before a stored event, counting only what came before it', async () => {
    const summary = await service.summary({ ...period, asOf: iso(START + DAY) });
    expect(service.source()).toBe('tables');
    expect(summary.contacts).toBe(1);
  });

  it('keeps an answer asked before the latest event for that asOf alone, and counts an event only after its instant', async () => {
    // The second ticket starts at START + DAY: it counts for an asOf after that instant only.
    const early = await service.summary({ ...period, asOf: iso(START + DAY - 60_000) });
    const before = service.cacheStats();
    expect((await service.summary({ ...period, asOf: iso(START + DAY - 60_000) })).contacts).toBe(early.contacts);
    expect(service.cacheStats().hits).toBe(before.hits + 1);
    const onTheEvent = await service.summary({ ...period, asOf: iso(START + DAY) });
    expect(service.cacheStats().misses).toBe(before.misses + 1);
    expect([early.contacts, onTheEvent.contacts]).toEqual([1, 1]);
    const justAfter = await service.summary({ ...period, asOf: iso(START + DAY + 1) });
    expect(service.cacheStats().misses).toBe(before.misses + 2);
    expect(justAfter.contacts).toBe(2);
    expect(service.source()).toBe('tables');
  });
});
