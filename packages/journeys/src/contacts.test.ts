import { describe, expect, it } from 'vitest';
import { buildJourneys } from './journeys.ts';
import type { CanonicalEvent } from '@seamline/schemas';
import {
  ORG_MAP,
  at,
  callStarted,
  callTransferred,
  ticketCreated,
  ticketReassigned,
  ticketReopened,
  ticketSolved,
} from './test-events.ts';

const asOf = new Date('2026-04-01T00:00:00Z');
const contactsOf = (events: CanonicalEvent[]) =>
  buildJourneys(events, ORG_MAP, { asOf }).customers.flatMap((customer) => customer.contacts);
const teamsOf = (events: CanonicalEvent[]) => contactsOf(events).map((c) => c.legs.map((leg) => leg.team));

describe('contacts and their legs', () => {
  it('start with the queue of the start event and follow each later transfer in time order', () => {
    const events = [
      callStarted({ id: 'c', occurredAt: at('2026-03-01T10:00'), queue: 'Q1' }),
      callTransferred({ id: 'c-t2', occurredAt: at('2026-03-01T10:10'), contactId: 'c', queue: 'Q1b' }),
      callTransferred({ id: 'c-t1', occurredAt: at('2026-03-01T10:05'), contactId: 'c', queue: 'Q2' }),
    ];
    expect(teamsOf(events)).toEqual([['t1', 't2', 't1b']]);
    const [contact] = contactsOf(events);
    expect(contact?.handoffs.map((h) => [h.kind, h.fromTeam, h.toTeam, h.crossSilo])).toEqual([
      ['transfer', 't1', 't2', true],
      ['transfer', 't2', 't1b', true],
    ]);
  });

  it('collapse consecutive legs of the same team, so a move within a team is no transfer', () => {
    const events = [
      ticketCreated({ id: 'k', occurredAt: at('2026-03-01T10:00'), queue: 'Q1' }),
      ticketReassigned({ id: 'k-r1', occurredAt: at('2026-03-01T11:00'), contactId: 'k', queue: 'Q1' }),
      ticketReassigned({ id: 'k-r2', occurredAt: at('2026-03-01T12:00'), contactId: 'k', queue: 'Q2' }),
      ticketReassigned({ id: 'k-r3', occurredAt: at('2026-03-01T13:00'), contactId: 'k', queue: 'Q2' }),
    ];
    expect(teamsOf(events)).toEqual([['t1', 't2']]);
    expect(contactsOf(events)[0]?.legs.map((leg) => leg.eventId)).toEqual(['k', 'k-r2']);
  });

  it('count a reopen after a solve as a new contact', () => {
    const events = [
      ticketCreated({ id: 'k', occurredAt: at('2026-03-01T10:00'), queue: 'Q1' }),
      ticketSolved({ id: 'k-s', occurredAt: at('2026-03-01T12:00'), contactId: 'k' }),
      ticketReopened({ id: 'k-o', occurredAt: at('2026-03-02T09:00'), contactId: 'k', queue: 'Q1' }),
    ];
    expect(contactsOf(events).map((c) => [c.eventId, c.type, c.repeat])).toEqual([
      ['k', 'ticket.created', false],
      ['k-o', 'ticket.reopened', true],
    ]);
  });

  it('give a transfer after the next start of the same ticket to the later contact', () => {
    const events = [
      ticketCreated({ id: 'k', occurredAt: at('2026-03-01T10:00'), queue: 'Q1' }),
      ticketReopened({ id: 'k-o', occurredAt: at('2026-03-02T09:00'), contactId: 'k', queue: 'Q1' }),
      ticketReassigned({ id: 'k-r', occurredAt: at('2026-03-02T10:00'), contactId: 'k', queue: 'Q2' }),
    ];
    expect(teamsOf(events)).toEqual([['t1'], ['t1', 't2']]);
  });

  it('ignore transfers of another source with the same contact id', () => {
    const events = [
      ticketCreated({ id: 'k', occurredAt: at('2026-03-01T10:00'), queue: 'Q1', contactId: '42' }),
      ticketReassigned({ id: 'x', occurredAt: at('2026-03-01T11:00'), contactId: '42', queue: 'Q2', source: 'freshdesk' }),
    ];
    expect(teamsOf(events)).toEqual([['t1']]);
  });

  it('follow a transfer that carries other identifiers to the contact it belongs to', () => {
    const events = [
      callStarted({ id: 'c', occurredAt: at('2026-03-01T10:00'), queue: 'Q1', customer: { phone: '+4911111111' } }),
      callTransferred({ id: 'c-t', occurredAt: at('2026-03-01T10:05'), contactId: 'c', queue: 'Q2', customer: { crmId: 'crm-9' } }),
    ];
    expect(teamsOf(events)).toEqual([['t1', 't2']]);
  });

  it('do not include outbound calls', () => {
    const events = [callStarted({ id: 'c', occurredAt: at('2026-03-01T10:00'), queue: 'Q1', direction: 'outbound' })];
    expect(contactsOf(events)).toEqual([]);
  });

  it('attribute an unknown queue to unmapped:<queue> and a missing queue to unassigned', () => {
    const events = [
      ticketCreated({ id: 'k1', occurredAt: at('2026-03-01T10:00'), queue: 'Nowhere' }),
      ticketCreated({ id: 'k2', occurredAt: at('2026-03-20T10:00') }),
    ];
    expect(contactsOf(events).map((c) => [c.firstTeam, c.firstSilo, c.legs[0]?.queue])).toEqual([
      ['unmapped:Nowhere', 'unmapped', 'Nowhere'],
      ['unassigned', 'unassigned', null],
    ]);
  });

  it('ignore transfers at or after asOf', () => {
    const events = [
      ticketCreated({ id: 'k', occurredAt: at('2026-03-31T23:00'), queue: 'Q1' }),
      ticketReassigned({ id: 'k-r', occurredAt: at('2026-04-01T00:00'), contactId: 'k', queue: 'Q2' }),
    ];
    expect(teamsOf(events)).toEqual([['t1']]);
  });
});
