import { describe, expect, it } from 'vitest';
import { isContactStart, orderEvents } from './events.ts';
import { at, callStarted, ticketCreated } from './test-events.ts';

describe('event order', () => {
  it('sorts by occurredAt, then by id', () => {
    const events = [
      ticketCreated({ id: 'b', occurredAt: at('2026-03-01T10:00') }),
      ticketCreated({ id: 'c', occurredAt: at('2026-03-01T09:00') }),
      ticketCreated({ id: 'a', occurredAt: at('2026-03-01T10:00') }),
    ];
    expect(orderEvents(events).map((e) => e.id)).toEqual(['c', 'a', 'b']);
  });

  it('keeps one event per id, the same one whatever the arrival order', () => {
    const early = ticketCreated({ id: 'k', occurredAt: at('2026-03-01T10:00'), queue: 'Q2' });
    const late = ticketCreated({ id: 'k', occurredAt: at('2026-03-01T11:00'), queue: 'Q1' });
    const twin = ticketCreated({ id: 'k', occurredAt: at('2026-03-01T10:00'), queue: 'Q1' });
    expect(orderEvents([early, late, twin])).toEqual([twin]);
    expect(orderEvents([twin, late, early])).toEqual([twin]);
  });

  it('counts only inbound ticket.created, ticket.reopened and call.started as contact starts', () => {
    expect(isContactStart(callStarted({ id: 'c', occurredAt: at('2026-03-01T10:00') }))).toBe(true);
    expect(isContactStart(callStarted({ id: 'c', occurredAt: at('2026-03-01T10:00'), direction: 'outbound' }))).toBe(false);
  });
});
