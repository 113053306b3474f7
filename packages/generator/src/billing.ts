import { billingCustomer } from './customer.ts';
import { randomText } from './random.ts';
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

/** A Stripe event about the story's customer, at the story's current time. */
export function recordBilling(story: Story, type: BillingEventType, attributes: Record<string, string> = {}): void {
  const { random, customer } = story;
  const serial = story.sequences.billingEvent++;
  const at = story.now;
  story.record(at, {
    // Stripe's shape (evt_ and random letters) with a running number in front, so ids never collide.
    id: `evt_${serial.toString(36).padStart(8, '0')}${randomText(random, 16)}`,
    type,
    occurredAt: isoTime(at),
    source: 'stripe',
    customer: billingCustomer(customer),
    channel: 'billing',
    ...(type === 'billing.payment_failed' ? { reason: `billing/${random.pick(FAILURE_CODES)}` } : {}),
    attributes: { plan: customer.plan, amount: MONTHLY_PRICE[customer.plan], currency: 'eur', ...attributes },
  });
}
