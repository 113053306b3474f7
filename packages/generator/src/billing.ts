import type { CanonicalEventInput } from '@seamline/schemas';
import { flat, type SampleCustomer } from './customer.ts';
import { randomText } from './random.ts';
import type { Card } from './recorded.ts';
import { isoTime, type Story } from './story.ts';

export type BillingEventType =
  | 'billing.invoice_issued'
  | 'billing.payment_failed'
  | 'billing.payment_succeeded'
  | 'billing.refund_issued'
  | 'billing.dispute_opened'
  | 'billing.plan_changed'
  | 'billing.subscription_canceled';

const MONTHLY_PRICE = { basic: '29.90', pro: '49.90', family: '69.90' } as const;
const FAILURE_CODES = ['card_declined', 'insufficient_funds', 'expired_card'] as const;

const NO_ATTRIBUTES: Readonly<Record<string, string>> = Object.freeze({});

/** A Stripe event about the story's customer, at the story's current time. */
export function recordBilling(story: Story, type: BillingEventType, attributes: Readonly<Record<string, string>> = NO_ATTRIBUTES): void {
  const { random, customer } = story;
  const serial = story.sequences.billingEvent++;
  const letters = randomText(random, 16);
  const failure = type === 'billing.payment_failed' ? random.pick(FAILURE_CODES) : undefined;
  if (story.counting) story.count(story.now);
  else story.record(story.now, new BillingCard(customer, type, serial, letters, failure, attributes), 0);
}

/** A Stripe event: it shares nothing with other events, so its card is the whole of it. */
class BillingCard implements Card {
  private readonly email: string | undefined;
  private readonly billingId: string;
  private readonly plan: SampleCustomer['plan'];

  constructor(
    customer: SampleCustomer,
    private readonly type: BillingEventType,
    private readonly serial: number,
    private readonly letters: string,
    private readonly failure: string | undefined,
    private readonly attributes: Readonly<Record<string, string>>,
  ) {
    // Who a Stripe event is about: the billing id, and the e-mail when billing has it.
    this.email = customer.billingHasEmail ? flat(customer.signupEmail) : undefined;
    this.billingId = flat(customer.billingId);
    this.plan = customer.plan;
  }

  get source(): 'stripe' {
    return 'stripe';
  }

  write(at: number): CanonicalEventInput {
    const { plan, failure, email, billingId } = this;
    return {
      // Stripe's shape (evt_ and random letters) with a running number in front, so ids never collide.
      id: `evt_${this.serial.toString(36).padStart(8, '0')}${this.letters}`,
      type: this.type,
      occurredAt: isoTime(at),
      source: 'stripe',
      customer: email === undefined ? { billingId } : { email, billingId },
      channel: 'billing',
      ...(failure === undefined ? {} : { reason: `billing/${failure}` }),
      attributes: { plan, amount: MONTHLY_PRICE[plan], currency: 'eur', ...this.attributes },
    };
  }
}
