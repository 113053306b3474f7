import { describe, expect, it } from 'vitest';
import { digestTeams, dueDigestInstant, latestDigestInstant } from './digest.ts';

const monday8 = { weekday: 'monday' as const, hour: 8 };

describe('the weekly digest schedule', () => {
  it('is due from the configured weekday and hour (UTC) for a day', () => {
    // 2026-03-09 is a Monday.
    expect(dueDigestInstant(monday8, new Date('2026-03-09T07:59:59.999Z'))).toBeUndefined();
    expect(dueDigestInstant(monday8, new Date('2026-03-09T08:00:00.000Z'))).toEqual(new Date('2026-03-09T08:00:00.000Z'));
    expect(dueDigestInstant(monday8, new Date('2026-03-10T07:59:00.000Z'))).toEqual(new Date('2026-03-09T08:00:00.000Z'));
    expect(dueDigestInstant(monday8, new Date('2026-03-10T08:00:00.000Z'))).toBeUndefined();
  });

  it('finds the latest scheduled instant from any day of the week', () => {
    expect(latestDigestInstant(monday8, new Date('2026-03-09T07:00:00.000Z'))).toEqual(new Date('2026-03-02T08:00:00.000Z'));
    expect(latestDigestInstant(monday8, new Date('2026-03-15T23:00:00.000Z'))).toEqual(new Date('2026-03-09T08:00:00.000Z'));
    expect(latestDigestInstant({ weekday: 'sunday', hour: 0 }, new Date('2026-03-09T07:00:00.000Z'))).toEqual(new Date('2026-03-08T00:00:00.000Z'));
    expect(latestDigestInstant({ weekday: 'friday', hour: 17 }, new Date('2026-03-13T17:30:00.000Z'))).toEqual(new Date('2026-03-13T17:00:00.000Z'));
  });

  it('goes to the listed teams, or every team with figures that week except unmapped queues and unassigned', async () => {
    const metrics = {
      teams: async () => ({
        teams: [
          { team: 'billing-t1', silo: 'billing' },
          { team: 'unassigned', silo: 'unassigned' },
          { team: 'unmapped:Old Queue', silo: 'unmapped' },
          { team: 'support-frontline', silo: 'support' },
        ],
      }),
    } as unknown as Parameters<typeof digestTeams>[1];
    const weekEnd = new Date('2026-03-09T08:00:00.000Z');
    expect(await digestTeams({ teams: 'all' }, metrics, weekEnd)).toEqual(['billing-t1', 'support-frontline']);
    expect(await digestTeams({ teams: ['billing-t1'] }, metrics, weekEnd)).toEqual(['billing-t1']);
  });
});

describe('the digest schedule in a time zone', () => {
  it("keeps the weekday and hour of the zone's clock across its daylight-saving change", () => {
    const monday8 = { weekday: 'monday' as const, hour: 8, timeZone: 'America/New_York' };
    // New York is UTC-5 until 2026-03-08, UTC-4 after: 08:00 local is 13:00 then 12:00 UTC.
    expect(latestDigestInstant(monday8, new Date('2026-03-04T00:00:00Z'))).toEqual(new Date('2026-03-02T13:00:00.000Z'));
    expect(latestDigestInstant(monday8, new Date('2026-03-10T00:00:00Z'))).toEqual(new Date('2026-03-09T12:00:00.000Z'));
    expect(dueDigestInstant(monday8, new Date('2026-03-09T11:59:59.999Z'))).toBeUndefined();
    expect(dueDigestInstant(monday8, new Date('2026-03-09T12:00:00.000Z'))).toEqual(new Date('2026-03-09T12:00:00.000Z'));
  });
});
