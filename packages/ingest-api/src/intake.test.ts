import { describe, expect, it } from 'vitest';
import { splitBody, takeIn, type RawItem } from './intake.ts';

const event = (id: string) => ({
  id,
  type: 'call.started',
  occurredAt: '2026-03-01T10:00:00Z',
  source: 'connect',
  customer: { phone: '+49 111 11111' },
  contactId: `c-${id}`,
  queue: 'Q1',
  channel: 'phone',
});

describe('splitBody', () => {
  it('reads a JSON array, a single object and NDJSON', () => {
    expect(splitBody(JSON.stringify([event('a'), event('b')]), false)).toHaveLength(2);
    expect(splitBody(JSON.stringify(event('a')), false)).toHaveLength(1);
    expect(splitBody(`${JSON.stringify(event('a'))}\n\n${JSON.stringify(event('b'))}\n`, true)).toHaveLength(2);
  });

  it('names a body that is not JSON', () => {
    expect(splitBody('{"id": ', false)).toEqual({ error: expect.stringMatching(/^body is not valid JSON/) });
  });

  it('keeps a bad NDJSON line as its own item with its line number', () => {
    const items = splitBody(`${JSON.stringify(event('a'))}\n{oops`, true) as RawItem[];
    expect(items[1]).toEqual({ parseError: 'line 2: not valid JSON', text: '{oops' });
  });
});

describe('takeIn', () => {
  it('accepts each id once, marks repeats as duplicates and dead-letters the rest with their raw text', () => {
    const items = splitBody(
      [JSON.stringify(event('a')), JSON.stringify(event('a')), JSON.stringify({ ...event('c'), channel: 'fax' }), 'nope'].join('\n'),
      true,
    ) as RawItem[];
    const intake = takeIn(items, 'http', { receivedAt: new Date('2026-03-01T12:00:00Z') });
    expect(intake.items.map((i) => i.status)).toEqual(['accepted', 'duplicate', 'rejected', 'rejected']);
    expect(intake.events.map((e) => e.id)).toEqual(['a']);
    expect(intake.deadLetters).toHaveLength(2);
    expect(intake.deadLetters[0]).toMatchObject({
      source: 'http',
      path: 'channel',
      receivedAt: '2026-03-01T12:00:00.000Z',
      payload: JSON.stringify({ ...event('c'), channel: 'fax' }),
    });
    expect(intake.items[2]).toMatchObject({ id: 'c', reason: expect.stringMatching(/^channel: /) });
    expect(intake.deadLetters[1]).toMatchObject({ reason: 'line 4: not valid JSON', payload: 'nope' });
  });

  it('never both accepts and dead-letters an item, and never drops one', () => {
    const raw = [event('x'), { nope: true }, event('y'), event('x'), 42].map((value) => ({ value, text: JSON.stringify(value) }));
    const intake = takeIn(raw, 'http');
    expect(intake.items).toHaveLength(raw.length);
    const accepted = intake.items.filter((i) => i.status === 'accepted').length;
    const duplicates = intake.items.filter((i) => i.status === 'duplicate').length;
    expect(accepted + duplicates + intake.deadLetters.length).toBe(raw.length);
    expect(intake.events).toHaveLength(accepted);
  });
});
