import { recordBilling, type BillingEventType } from './billing.ts';
import { Call } from './call.ts';
import { callAbout, callCustomer, writeAbout } from './contacts.ts';
import { QUEUE } from './org.ts';
import type { Story } from './story.ts';

type Trigger = Exclude<BillingEventType, 'billing.payment_succeeded'>;

/**
 * The customer reacts to what billing did. Most within the default billing window of 72 hours (the billing system runs at
 * night, the customer gets in touch in office hours up to two days on); some only days later,
 * which no longer counts as billing-triggered.
 */
function react(story: Story): void {
  if (story.random.chance(0.9)) story.laterDay(0, 2);
  else story.laterDay(4, 6);
}

const REACTIONS: Record<Trigger, (story: Story) => void> = {
  'billing.payment_failed': (story) => {
    if (story.random.chance(0.8)) {
      react(story);
      callAbout(story, 'billing', { reason: 'billing/payment-failed' }).end();
    } else {
      // The customer does not react; collections phones them.
      story.laterDay(2, 3);
      callCustomer(story, QUEUE.collections, 'billing/payment-failed');
    }
    story.nightRun();
    recordBilling(story, 'billing.payment_succeeded');
  },
  'billing.invoice_issued': (story) => {
    story.afterMinutes(1, 20);
    recordBilling(story, 'billing.payment_succeeded');
    react(story);
    const reason = story.random.pick(['billing/invoice-question', 'billing/double-charge']);
    writeAbout(story, 'billing', { reason }).solve().close();
    if (reason === 'billing/double-charge' && story.random.chance(0.6)) {
      story.afterMinutes(5, 60);
      recordBilling(story, 'billing.refund_issued');
    }
  },
  'billing.refund_issued': (story) => {
    story.laterDay(1, 2);
    writeAbout(story, 'billing', { reason: 'billing/refund-status' }).solve().close();
  },
  'billing.dispute_opened': (story) => {
    react(story);
    callAbout(story, 'billing', { reason: 'billing/double-charge' }).transfer(QUEUE.billingTier2).end();
    story.nightRun(1, 3);
    recordBilling(story, story.random.chance(0.5) ? 'billing.refund_issued' : 'billing.payment_succeeded');
  },
  'billing.plan_changed': (story) => {
    react(story);
    callAbout(story, 'billing', { reason: 'billing/plan-change' }).end();
  },
  'billing.subscription_canceled': (story) => {
    react(story);
    new Call(story, { queue: QUEUE.retention, reason: 'account/cancel' }).end();
    if (story.random.chance(0.5)) {
      story.afterMinutes(1, 30);
      recordBilling(story, 'billing.plan_changed', { change: 'reactivated' });
    }
  },
};

/** Something billing did makes the customer get in touch. */
export function billingTriggered(story: Story): void {
  const trigger = story.random.weighted<Trigger>([
    ['billing.payment_failed', 35],
    ['billing.invoice_issued', 25],
    ['billing.refund_issued', 10],
    ['billing.dispute_opened', 8],
    ['billing.plan_changed', 12],
    ['billing.subscription_canceled', 10],
  ]);
  story.nightRun();
  recordBilling(story, trigger, trigger === 'billing.plan_changed' ? { change: 'upgrade' } : {});
  REACTIONS[trigger](story);
}

/** Invoices and payments that go through, month after month: billing events that cause nothing. */
export function quietBilling(story: Story): void {
  const months = story.random.int(1, 3);
  story.nightRun();
  for (let month = 0; month < months; month++) {
    if (month > 0) story.nightRun(30);
    recordBilling(story, 'billing.invoice_issued');
    story.afterMinutes(1, 30);
    recordBilling(story, 'billing.payment_succeeded');
  }
}
