import type { ClickHouseClient } from '@clickhouse/client';
import { SOURCE_UPDATED_AT, streamStoredKeys } from '@seamline/clickhouse';
import type { CanonicalEvent } from '@seamline/schemas';
import { SeenFilter } from './seen-filter.ts';


/** What the stitcher holds of one customer: enough to recompute it and to see what changed. */
export interface CustomerState {
  /** Its identifier keys ("kind:value"). */
  members: readonly string[];
  /**
   * Its journey inputs: every stored event naming one of its identifiers, and every stored event
   * of the tickets and calls those events belong to (the events readCustomersEvents gives).
   */
  inputs: readonly CanonicalEvent[];
  /** The rows the tables hold for it: row key -> fingerprint of the row's content. */
  rows: ReadonlyMap<string, number>;
}

/**
 * How a customer is held, in memory and in customer_state_v1: serialised, which takes about a
 * third of the memory of the objects.
 */
export interface HeldCustomer {
  members: readonly string[];
  /** The journey inputs as a JSON array of packed events (see pack). */
  inputs: string;
  inputCount: number;
  /** Row fingerprints as "key fingerprint" lines. */
  rows: string;
  threads: readonly string[];
}

type Packed = [
  id: string,
  type: CanonicalEvent['type'],
  occurredAt: string,
  source: string,
  email: string | null,
  phone: string | null,
  billingId: string | null,
  crmId: string | null,
  contactId: string | null,
  queue: string | null,
  channel: CanonicalEvent['channel'],
  direction: CanonicalEvent['direction'],
  reason: string | null,
  sourceUpdatedAt: string | null,
  sourceId?: string | null,
];

/** An event as a tuple of what contacts, journeys and the newest copy need (not agent, not other attributes). */
function pack(e: CanonicalEvent): Packed {
  const c = e.customer;
  return [
    e.id, e.type, e.occurredAt, e.source, c.email ?? null, c.phone ?? null, c.billingId ?? null, c.crmId ?? null,
    e.contactId ?? null, e.queue ?? null, e.channel, e.direction, e.reason ?? null, e.attributes?.[SOURCE_UPDATED_AT] ?? null,
    ...(c.sourceId === undefined ? [] : [c.sourceId]),
  ] as Packed;
}

function unpack(p: Packed): CanonicalEvent {
  const customer: CanonicalEvent['customer'] = {};
  if (p[4] !== null) customer.email = p[4];
  if (p[5] !== null) customer.phone = p[5];
  if (p[6] !== null) customer.billingId = p[6];
  if (p[7] !== null) customer.crmId = p[7];
  // Last and only when present: states packed before sourceId existed read the same.
  if (p[14] !== undefined && p[14] !== null) customer.sourceId = p[14];
  const event: CanonicalEvent = { id: p[0], type: p[1], occurredAt: p[2], source: p[3], customer, channel: p[10], direction: p[11] };
  if (p[8] !== null) event.contactId = p[8];
  if (p[9] !== null) event.queue = p[9];
  if (p[12] !== null) event.reason = p[12];
  if (p[13] !== null) event.attributes = { [SOURCE_UPDATED_AT]: p[13] };
  return event;
}

export function packCustomer(state: CustomerState): HeldCustomer {
  let rows = '';
  for (const [key, fingerprint] of state.rows) rows += `${key} ${fingerprint}\n`;
  return {
    members: state.members,
    inputs: JSON.stringify(state.inputs.map(pack)),
    inputCount: state.inputs.length,
    rows,
    threads: [...threadsOf(state.inputs)],
  };
}

export function unpackCustomer(held: Pick<HeldCustomer, 'members' | 'inputs' | 'rows'>): CustomerState {
  const rows = new Map<string, number>();
  for (const line of held.rows.split('\n')) {
    const space = line.lastIndexOf(' ');
    if (space > 0) rows.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return { members: held.members, inputs: (JSON.parse(held.inputs) as Packed[]).map(unpack), rows };
}

/** The default budget: this many journey input events are held, about 0.4 KiB each. */
export const DEFAULT_STATE_EVENTS = 1_000_000;

/** Keys in the seen-filter are prefixed by what they name. */
export const seenKey = {
  /** An event id stored in events_v1. */
  event: (id: string) => `e:${id}`,
  /** An event id linked: rows of its contact may exist. */
  linked: (id: string) => `l:${id}`,
  identifier: (key: string) => `i:${key}`,
  thread: (contactId: string) => `t:${contactId}`,
};

/**
 * The stitcher's own state, so that a batch in steady state reads nothing back from ClickHouse:
 * - the customers it touched lately (least recently used go first once more than `budgetEvents`
 *   journey inputs are held), each with its identifiers, journey inputs and row fingerprints;
 * - which identifier and which ticket or call belongs to which of those customers;
 * - a filter of every event id, identifier and ticket or call id ever stored, which proves that
 *   a new one has nothing stored yet (a customer seen for the first time costs no read).
 * It changes only after ClickHouse acknowledged a batch's writes; on any failure it is dropped
 * (`forgetCustomers`) and rebuilt by reading, like after a restart.
 */
export class StitchState {
  readonly seen = new SeenFilter();
  private readonly customers = new Map<string, HeldCustomer>();
  private readonly customerOfKey = new Map<string, string>();
  private readonly holdersOfThread = new Map<string, Set<string>>();
  private heldEvents = 0;
  private loadedGeneration = -1;
  private generation = 0;

  constructor(readonly budgetEvents = DEFAULT_STATE_EVENTS) {}

  /** True once the filter holds everything stored: only then may it prove a key new. */
  get complete(): boolean {
    return this.loadedGeneration === this.generation;
  }

  /** Whether this key may be in ClickHouse (always true until the filter is loaded). */
  mayBeStored(key: string): boolean {
    return !this.complete || this.seen.mayHave(key);
  }

  customerOf(identifierKey: string): string | undefined {
    return this.customerOfKey.get(identifierKey);
  }

  holdersOf(contactId: string): ReadonlySet<string> | undefined {
    return this.holdersOfThread.get(contactId);
  }

  /** The customer's state, marked as used now. */
  get(customerId: string): CustomerState | undefined {
    const held = this.customers.get(customerId);
    if (!held) return undefined;
    this.customers.delete(customerId);
    this.customers.set(customerId, held);
    return unpackCustomer(held);
  }

  /** Records a customer as the tables now hold it, then evicts the least recently used beyond the budget. */
  put(customerId: string, held: HeldCustomer): void {
    this.remove(customerId);
    this.customers.set(customerId, held);
    this.heldEvents += held.inputCount;
    for (const key of held.members) this.customerOfKey.set(key, customerId);
    for (const contactId of held.threads) {
      const holders = this.holdersOfThread.get(contactId);
      if (holders) holders.add(customerId);
      else this.holdersOfThread.set(contactId, new Set([customerId]));
    }
    for (const [oldest] of this.customers) {
      if (this.heldEvents <= this.budgetEvents || oldest === customerId) break;
      this.remove(oldest);
    }
  }

  remove(customerId: string): void {
    const held = this.customers.get(customerId);
    if (!held) return;
    this.customers.delete(customerId);
    this.heldEvents -= held.inputCount;
    for (const key of held.members) if (this.customerOfKey.get(key) === customerId) this.customerOfKey.delete(key);
    for (const contactId of held.threads) {
      const holders = this.holdersOfThread.get(contactId);
      holders?.delete(customerId);
      if (holders?.size === 0) this.holdersOfThread.delete(contactId);
    }
  }

  /** Drops every customer held (the filter stays: what is stored stays stored). */
  forgetCustomers(): void {
    this.customers.clear();
    this.customerOfKey.clear();
    this.holdersOfThread.clear();
    this.heldEvents = 0;
  }

  /** Drops everything: another process may have written meanwhile (a group rebalance). */
  reset(): void {
    this.forgetCustomers();
    this.seen.clear();
    this.generation += 1;
  }

  /**
   * Fills the filter with every event id, identifier and ticket or call id stored. Keys added
   * by batches meanwhile stay; a reset meanwhile makes this load count for nothing.
   */
  async load(client: ClickHouseClient): Promise<{ keys: number; seconds: number }> {
    const generation = this.generation;
    const started = performance.now();
    let keys = 0;
    await streamStoredKeys(client, (kind, value) => {
      if (this.generation !== generation) return;
      if (kind === 'event') {
        this.seen.add(seenKey.event(value));
        this.seen.add(seenKey.linked(value));
      } else this.seen.add(kind === 'identifier' ? seenKey.identifier(value) : seenKey.thread(value));
      keys += 1;
    });
    if (this.generation === generation) this.loadedGeneration = generation;
    return { keys, seconds: (performance.now() - started) / 1000 };
  }

  stats() {
    return { customers: this.customers.size, events: this.heldEvents, filterKeys: this.seen.size, filterBytes: this.seen.bytes };
  }
}

function threadsOf(events: readonly CanonicalEvent[]): Set<string> {
  const threads = new Set<string>();
  for (const event of events) if (event.contactId !== undefined) threads.add(event.contactId);
  return threads;
}
