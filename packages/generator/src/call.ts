import { caller, type CustomerIdentifiersInput } from './customer.ts';
import { agentFor, type QueueName } from './org.ts';
import { isoTime, type Story } from './story.ts';

export interface CallOpening {
  queue: QueueName;
  reason: string;
  direction?: 'inbound' | 'outbound';
}

function hex(value: number, digits: number): string {
  return value.toString(16).padStart(digits, '0');
}

/**
 * An Amazon Connect call of the story. Connect names a call by a UUID; the sample's UUIDs end in a
 * running number so that they never collide.
 */
export class Call {
  private readonly contactId: string;
  private readonly identified: CustomerIdentifiersInput;
  private readonly direction: 'inbound' | 'outbound';
  private steps = 0;
  private queue: QueueName;
  /** Who is on the current leg. */
  private agent: string;

  constructor(
    private readonly story: Story,
    private readonly opening: CallOpening,
  ) {
    const { random } = story;
    const serial = story.sequences.call++;
    this.contactId = `${hex(random.int(0, 0xffffffff), 8)}-${hex(random.int(0, 0xffff), 4)}-4${hex(random.int(0, 0xfff), 3)}-${hex(0x8000 + random.int(0, 0x3fff), 4)}-${hex(serial, 12)}`;
    this.direction = opening.direction ?? 'inbound';
    this.identified = caller(random, story.customer, this.direction);
    this.queue = opening.queue;
    this.agent = agentFor(random, this.queue);
    this.record('call.started');
  }

  /** Handed to another queue: for SPEC, a new leg of the contact. */
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

  private record(type: 'call.started' | 'call.transferred' | 'call.ended'): void {
    this.steps += 1;
    const at = this.story.now;
    this.story.record(at, {
      id: `connect-${this.contactId}-${this.steps}`,
      type,
      occurredAt: isoTime(at),
      source: 'connect',
      customer: { ...this.identified },
      contactId: this.contactId,
      queue: this.queue,
      agent: this.agent,
      channel: 'phone',
      direction: this.direction,
      reason: this.opening.reason,
    });
  }
}
