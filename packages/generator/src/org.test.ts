import { describe, expect, it } from 'vitest';
import { generateEvents } from './generate.ts';
import { QUEUE, sampleOrgMap, UNMAPPED_QUEUES } from './org.ts';

describe('sampleOrgMap', () => {
  it('has five silos of two or three teams each', () => {
    const teamsBySilo = new Map<string, Set<string>>();
    for (const { team, silo } of Object.values(sampleOrgMap().queues)) {
      teamsBySilo.set(silo, (teamsBySilo.get(silo) ?? new Set()).add(team));
    }
    expect([...teamsBySilo.keys()].sort()).toEqual(['billing', 'field-service', 'phone-centre', 'retention', 'support']);
    for (const teams of teamsBySilo.values()) expect(teams.size).toBeGreaterThanOrEqual(2);
    for (const teams of teamsBySilo.values()) expect(teams.size).toBeLessThanOrEqual(3);
  });

  it('places the queues under the names the sources use', () => {
    expect(sampleOrgMap().queues[QUEUE.billingTier1]).toEqual({ team: 'billing-t1', silo: 'billing' });
    expect(sampleOrgMap().queues[QUEUE.techEscalations]?.silo).toBe('field-service');
  });

  it('returns a fresh map each time, so a caller may change it', () => {
    const map = sampleOrgMap();
    delete map.queues[QUEUE.phoneGeneral];
    expect(sampleOrgMap().queues[QUEUE.phoneGeneral]).toBeDefined();
  });

  it('knows every queue the events use except the deliberately unmapped ones, which are rare', () => {
    const queues = sampleOrgMap().queues;
    let withQueue = 0;
    let unmapped = 0;
    for (const event of generateEvents({ events: 20_000, seed: 11 })) {
      if (event.queue === undefined) continue;
      withQueue += 1;
      if (queues[event.queue] !== undefined) continue;
      expect(UNMAPPED_QUEUES).toContain(event.queue);
      unmapped += 1;
    }
    expect(unmapped).toBeGreaterThan(0);
    expect(unmapped / withQueue).toBeLessThan(0.02);
  });
});
