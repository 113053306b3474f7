import { describe, expect, it } from 'vitest';
import { SeenFilter } from './seen-filter.ts';

describe('SeenFilter', () => {
  it('never denies a key it was given, across the layers it grows', () => {
    const filter = new SeenFilter(1_000);
    for (let i = 0; i < 20_000; i++) filter.add(`e:evt-${i}`);
    for (let i = 0; i < 20_000; i++) expect(filter.mayHave(`e:evt-${i}`)).toBe(true);
    expect(filter.size).toBe(20_000);
  });

  it('proves most keys it was not given new, near its error rate', () => {
    const filter = new SeenFilter(1_000, 0.01);
    for (let i = 0; i < 50_000; i++) filter.add(`i:email:person${i}@example.com`);
    let falsePositives = 0;
    for (let i = 0; i < 50_000; i++) if (filter.mayHave(`i:email:other${i}@example.com`)) falsePositives += 1;
    expect(falsePositives / 50_000).toBeLessThan(0.03);
  });

  it('knows nothing when empty or cleared', () => {
    const filter = new SeenFilter();
    expect(filter.mayHave('t:ticket-1')).toBe(false);
    filter.add('t:ticket-1');
    filter.clear();
    expect(filter.mayHave('t:ticket-1')).toBe(false);
    expect(filter.bytes).toBe(0);
  });
});
