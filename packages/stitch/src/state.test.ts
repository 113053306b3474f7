import type { CanonicalEvent } from '@seamline/schemas';
import { describe, expect, it } from 'vitest';
import { packCustomer, StitchState } from './state.ts';

const event = (id: string, email: string, contactId?: string, extra: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  id,
  type: 'ticket.created',
  occurredAt: '2026-03-01T10:00:00.000Z',
  source: 'zendesk',
  customer: { email },
  channel: 'email',
  direction: 'inbound',
  ...(contactId !== undefined && { contactId }),
  ...extra,
});

const customer = (email: string, events: CanonicalEvent[]) =>
  packCustomer({
    members: [`email:${email}`],
    inputs: events,
    rows: new Map([[`c:${events[0]!.id}`, 42]]),
  });

describe('StitchState', () => {
  it('gives back what it holds, keeping what journeys need and the copy version', () => {
    const state = new StitchState(100);
    const e = event('e1', 'a@x.com', 't1', { queue: 'Billing', reason: 'billing/x', agent: 'agent-7', attributes: { plan: 'pro', sourceUpdatedAt: '2026-03-01T10:00:01.000Z' } });
    state.put('cust-a', customer('a@x.com', [e]));
    const held = state.get('cust-a')!;
    expect(held.members).toEqual(['email:a@x.com']);
    expect(held.rows.get('c:e1')).toBe(42);
    const { agent: _agent, attributes: _attributes, ...rest } = e;
    expect(held.inputs).toEqual([{ ...rest, attributes: { sourceUpdatedAt: '2026-03-01T10:00:01.000Z' } }]);
    expect(state.customerOf('email:a@x.com')).toBe('cust-a');
    expect([...state.holdersOf('t1')!]).toEqual(['cust-a']);
  });

  it('evicts the least recently used customers beyond its budget of events, with their keys and tickets', () => {
    const state = new StitchState(4);
    state.put('a', customer('a@x.com', [event('a1', 'a@x.com', 'ta'), event('a2', 'a@x.com')]));
    state.put('b', customer('b@x.com', [event('b1', 'b@x.com', 'tb')]));
    state.get('a'); // a is now the most recently used
    state.put('c', customer('c@x.com', [event('c1', 'c@x.com'), event('c2', 'c@x.com')]));
    expect(state.get('b')).toBeUndefined();
    expect(state.customerOf('email:b@x.com')).toBeUndefined();
    expect(state.holdersOf('tb')).toBeUndefined();
    expect(state.get('a')).toBeDefined();
    expect(state.stats()).toMatchObject({ customers: 2, events: 4 });
  });

  it('replaces a customer in place and drops a removed one from every index', () => {
    const state = new StitchState(100);
    state.put('a', customer('a@x.com', [event('a1', 'a@x.com', 't1')]));
    state.put('a', customer('a@x.com', [event('a1', 'a@x.com'), event('a2', 'a@x.com', 't2')]));
    expect(state.holdersOf('t1')).toBeUndefined();
    expect([...state.holdersOf('t2')!]).toEqual(['a']);
    expect(state.stats().events).toBe(2);
    state.remove('a');
    expect(state.customerOf('email:a@x.com')).toBeUndefined();
    expect(state.stats()).toMatchObject({ customers: 0, events: 0 });
  });

  it('says any key may be stored until its filter is loaded', () => {
    const state = new StitchState();
    expect(state.complete).toBe(false);
    expect(state.mayBeStored('e:never-seen')).toBe(true);
    state.reset();
    expect(state.mayBeStored('e:never-seen')).toBe(true);
  });
});
