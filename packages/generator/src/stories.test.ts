import {
  identifierKeys,
  validateCanonicalEvent,
  type CanonicalEvent,
  type CanonicalEventInput,
} from '@seamline/schemas';
import { describe, expect, it } from 'vitest';
import { generateEvents } from './generate.ts';
import { QUEUE, sampleOrgMap } from './org.ts';
import { isContact, linkCustomers } from './test-customers.ts';

// The stories must give Seamline something to measure. These tests stitch a sample the simple way
// (identifiers that occur together are one customer) and look for each kind of journey.

const HOUR = 3_600_000;
const raw: CanonicalEventInput[] = [...generateEvents({ events: 30_000, seed: 1 })];
const validations = raw.map((event) => validateCanonicalEvent(event));
const events: CanonicalEvent[] = validations.map((validation) => {
  if (!validation.ok) throw new Error(validation.rejection.reason);
  return validation.event;
});
const queues = sampleOrgMap().queues;

function siloOf(queue: string | undefined): string {
  return queue === undefined ? 'unassigned' : (queues[queue]?.silo ?? 'unmapped');
}

function time(event: CanonicalEvent): number {
  return Date.parse(event.occurredAt);
}

/** Customers as docs/metrics.md "Customer" defines them: connected components of identifiers seen together. */
function customers(): CanonicalEvent[][] {
  const customer = linkCustomers(events, (event) => identifierKeys(event.customer));
  const byCustomer = new Map<string, CanonicalEvent[]>();
  for (const event of events) {
    const root = customer(event);
    byCustomer.set(root, [...(byCustomer.get(root) ?? []), event]);
  }
  return [...byCustomer.values()].map((list) => list.sort((a, b) => time(a) - time(b)));
}

/** Each move of work to another queue, with the queue it came from. */
function moves(type: 'call.transferred' | 'ticket.reassigned'): { from: string | undefined; to: string | undefined }[] {
  const current = new Map<string, string | undefined>();
  const found: { from: string | undefined; to: string | undefined }[] = [];
  for (const event of events) {
    if (event.contactId === undefined) continue;
    if (event.type === type) found.push({ from: current.get(event.contactId), to: event.queue });
    current.set(event.contactId, event.queue);
  }
  return found;
}

describe('the sample stories', () => {
  it('transfer calls to other queues, also to queues of other silos', () => {
    const transfers = moves('call.transferred');
    expect(transfers.length).toBeGreaterThan(500);
    expect(transfers.filter(({ from, to }) => siloOf(from) !== siloOf(to)).length).toBeGreaterThan(200);
    expect(transfers.filter(({ from, to }) => from !== to && siloOf(from) === siloOf(to)).length).toBeGreaterThan(50);
  });

  it('reassign tickets between groups, also across silos', () => {
    const reassignments = moves('ticket.reassigned');
    expect(reassignments.length).toBeGreaterThan(500);
    expect(reassignments.filter(({ from, to }) => siloOf(from) !== siloOf(to)).length).toBeGreaterThan(200);
  });

  it('reopen tickets only after they were solved, and close solved tickets', () => {
    // Tickets created before the sample period began are seen only in part: left out.
    const created = new Set(events.filter((event) => event.type === 'ticket.created').map((event) => event.contactId));
    const solved = new Set<string>();
    let reopened = 0;
    let closed = 0;
    for (const event of events) {
      const ticket = event.contactId ?? '';
      if (!created.has(ticket)) continue;
      if (event.type === 'ticket.solved') solved.add(ticket);
      if (event.type === 'ticket.reopened') {
        expect(solved.has(ticket)).toBe(true);
        reopened += 1;
      }
      if (event.type === 'ticket.closed') {
        expect(solved.has(ticket)).toBe(true);
        closed += 1;
      }
    }
    expect(reopened).toBeGreaterThan(100);
    expect(closed).toBeGreaterThan(1_000);
  });

  it('bring customers back within days, and some only weeks later', () => {
    let repeats = 0;
    let weeksLater = 0;
    for (const customer of customers()) {
      const starts = customer.filter(isContact).map(time);
      for (let i = 1; i < starts.length; i++) {
        const gap = (starts[i] ?? 0) - (starts[i - 1] ?? 0);
        if (gap <= 7 * 24 * HOUR) repeats += 1;
        else weeksLater += 1;
      }
    }
    expect(repeats).toBeGreaterThan(500);
    expect(weeksLater).toBeGreaterThan(50);
  });

  it('follow every kind of billing trigger with a contact of the same customer within 72 hours', () => {
    const triggered = new Set<string>();
    let quiet = 0;
    for (const customer of customers()) {
      const starts = customer.filter(isContact).map(time);
      for (const billing of customer.filter((event) => event.type.startsWith('billing.'))) {
        const at = time(billing);
        if (starts.some((start) => start > at && start <= at + 72 * HOUR)) triggered.add(billing.type);
        else quiet += 1;
      }
    }
    expect([...triggered].sort()).toEqual(
      expect.arrayContaining([
        'billing.dispute_opened',
        'billing.invoice_issued',
        'billing.payment_failed',
        'billing.plan_changed',
        'billing.refund_issued',
        'billing.subscription_canceled',
      ]),
    );
    expect(quiet).toBeGreaterThan(100);
  });

  it('place outbound calls, which are never contacts', () => {
    const outbound = events.filter((event) => event.type === 'call.started' && event.direction === 'outbound');
    expect(outbound.length).toBeGreaterThan(100);
    expect(new Set(outbound.map((event) => event.queue))).toEqual(
      new Set([QUEUE.collections, QUEUE.fieldDispatch, QUEUE.winBack]),
    );
    expect(events.some((event) => event.type.startsWith('ticket.') && event.direction === 'outbound')).toBe(false);
  });

  it('know customers by different identifiers in each system, linked by events that carry two', () => {
    const linking = events.filter((event) => identifierKeys(event.customer).length >= 2);
    expect(linking.length).toBeGreaterThan(1_000);
    const kinds = (customer: CanonicalEvent[]) =>
      new Set(customer.flatMap((event) => identifierKeys(event.customer).map((key) => key.split(':')[0])));
    const acrossAll = customers().filter((customer) => kinds(customer).size >= 3);
    expect(acrossAll.length).toBeGreaterThan(100);
  });

  it('write one e-mail and one phone number in several ways that normalisation makes equal', () => {
    const spellings = new Map<string, Set<string>>();
    raw.forEach((event, index) => {
      const normalised = events[index]?.customer ?? {};
      for (const kind of ['email', 'phone'] as const) {
        const written = event.customer[kind];
        const value = normalised[kind];
        if (written === undefined || value === undefined) continue;
        const key = `${kind}:${value}`;
        spellings.set(key, (spellings.get(key) ?? new Set()).add(written));
      }
    });
    const varied = [...spellings].filter(([, written]) => written.size >= 2).map(([key]) => key.split(':')[0]);
    expect(varied.filter((kind) => kind === 'email').length).toBeGreaterThan(100);
    expect(varied.filter((kind) => kind === 'phone').length).toBeGreaterThan(100);
  });

  it('carry placeholders such as "unknown" next to a real identifier, which validation drops', () => {
    const dropped = validations.flatMap((validation) => (validation.ok ? validation.droppedIdentifiers : []));
    const blocked = dropped.filter((identifier) => identifier.why === 'blocked value');
    expect(new Set(blocked.map((identifier) => `${identifier.kind}:${identifier.value}`))).toEqual(
      new Set(['billingId:unknown', 'crmId:n/a']),
    );
    // Phone placeholders fail E.164 before the block list is asked.
    expect(new Set(dropped.filter((identifier) => identifier.kind === 'phone').map((identifier) => identifier.value))).toEqual(
      new Set(['unknown', 'anonymous']),
    );
  });

  it('tell of customers who call billing, are sent to support, write twice and end with technical service', () => {
    const runarounds = customers().filter((customer) => {
      const first = customer.find(isContact);
      if (first?.type !== 'call.started' || first.queue !== QUEUE.billingTier1) return false;
      const written = customer.filter((event) => isContact(event) && event.queue === QUEUE.supportGeneral);
      const lastWritten = written[1];
      return (
        lastWritten !== undefined &&
        customer.some(
          (event) => event.type === 'ticket.reassigned' && siloOf(event.queue) === 'field-service' && time(event) > time(lastWritten),
        )
      );
    });
    expect(runarounds.length).toBeGreaterThan(20);
  });
});
