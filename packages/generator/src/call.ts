import type { CanonicalEventInput } from '@seamline/schemas';
import { caller, flat, flatIdentifiers, type CustomerIdentifiersInput } from './customer.ts';
import { agentFor, agentName, QUEUE_NAMES, queueNumber, type QueueName } from './org.ts';
import { contactCode, fromContactCode, type Card } from './recorded.ts';
import { isoTime, type Story } from './story.ts';

export interface CallOpening {
  queue: QueueName;
  reason: string;
  direction?: 'inbound' | 'outbound';
}

function hex(value: number, digits: number): string {
  return value.toString(16).padStart(digits, '0');
}

/** A version-4 UUID of the four random parts, ending in the call's running number. */
function uuidOf(first: number, second: number, third: number, fourth: number, serial: number): string {
  return flat(`${hex(first, 8)}-${hex(second, 4)}-4${hex(third, 3)}-${hex(0x8000 + fourth, 4)}-${hex(serial, 12)}`);
}

/**
 * An Amazon Connect call of the story. Connect names a call by a UUID; the sample's UUIDs end in a
 * running number so that they never collide.
 */
export class Call {
  /** Undefined while the story is only counted. */
  private readonly card: CallCard | undefined;
  private steps = 0;
  private queue: QueueName;
  /** Who is on the current leg. */
  private agent: number;

  constructor(
    private readonly story: Story,
    opening: CallOpening,
  ) {
    const { random } = story;
    const serial = story.sequences.call++;
    const first = random.int(0, 0xffffffff);
    const second = random.int(0, 0xffff);
    const third = random.int(0, 0xfff);
    const fourth = random.int(0, 0x3fff);
    const direction = opening.direction ?? 'inbound';
    const identified = caller(random, story.customer, direction);
    this.card = story.counting ? undefined : new CallCard(uuidOf(first, second, third, fourth, serial), flatIdentifiers(identified), direction, opening.reason);
    this.queue = opening.queue;
    this.agent = agentFor(random, this.queue);
    this.record('call.started');
  }

  /** Handed to another queue: by docs/metrics.md, a new leg of the contact. */
  transfer(queue: QueueName): this {
    this.story.afterMinutes(2, 12);
    this.queue = queue;
    this.agent = agentFor(this.story.random, queue);
    this.record('call.transferred');
    return this;
  }

  end(): void {
    this.story.afterMinutes(2, 20);
    this.record('call.ended');
  }

  private record(type: CallStepType): void {
    this.steps += 1;
    if (this.card === undefined) this.story.count(this.story.now);
    else this.story.record(this.story.now, this.card, contactCode(STEP_TYPES.indexOf(type), this.steps, queueNumber(this.queue), this.agent));
  }
}

const STEP_TYPES = ['call.started', 'call.transferred', 'call.ended'] as const;
type CallStepType = (typeof STEP_TYPES)[number];

/** What every step of one call says alike; all a step keeps of its call until it is written. */
class CallCard implements Card {
  constructor(
    private readonly contactId: string,
    private readonly identified: CustomerIdentifiersInput,
    private readonly direction: 'inbound' | 'outbound',
    private readonly reason: string,
  ) {}

  get source(): 'connect' {
    return 'connect';
  }

  /** One step of the call: the call's leg as it was then. */
  write(at: number, code: number): CanonicalEventInput {
    const { type, step, queue, agent } = fromContactCode(code);
    const { contactId } = this;
    return {
      id: `connect-${contactId}-${step}`,
      type: STEP_TYPES[type] as CallStepType,
      occurredAt: isoTime(at),
      source: 'connect',
      customer: { ...this.identified },
      contactId,
      queue: QUEUE_NAMES[queue],
      agent: agentName(agent),
      channel: 'phone',
      direction: this.direction,
      reason: this.reason,
    };
  }
}
