import type { CanonicalEventInput, CustomerIdentifiers, EventType } from '@seamline/schemas';
import type { z } from 'zod';
import { rejected, zodRejection, type Translation } from '../adapter.ts';
import {
  chargeSchema,
  disputeSchema,
  invoiceSchema,
  planIds,
  previousPlanSchema,
  refId,
  subscriptionSchema,
  type CustomerRef,
  type StripeEvent,
} from './objects.ts';

export const STRIPE_SOURCE = 'stripe';

/** Turns one Stripe event whose envelope is valid into canonical events, or says why it cannot. */
export type StripeEventHandler = (event: StripeEvent) => Translation;

/** What one Stripe object says about a billing event beyond the envelope. */
interface BillingFacts {
  customer: CustomerIdentifiers;
  reason?: string | null | undefined;
  attributes: Record<string, string | number | null | undefined>;
}

function billingEvent(event: StripeEvent, type: EventType, facts: BillingFacts): CanonicalEventInput {
  const attributes: Record<string, string> = { stripeEventType: event.type };
  if (event.livemode !== undefined) attributes.livemode = String(event.livemode);
  for (const [name, value] of Object.entries(facts.attributes)) {
    if (value !== null && value !== undefined && value !== '') attributes[name] = String(value);
  }
  const reason = usableText(facts.reason);
  return {
    id: `${STRIPE_SOURCE}-${event.id}`,
    type,
    occurredAt: new Date(event.created * 1000).toISOString(),
    source: STRIPE_SOURCE,
    customer: facts.customer,
    channel: 'billing',
    direction: 'inbound',
    ...(reason === undefined ? {} : { reason }),
    attributes,
  };
}

/** A reason only when it fits the canonical field (1..200 chars); Stripe's are short codes. */
function usableText(text: string | null | undefined): string | undefined {
  return text && text.trim() !== '' && text.length <= 200 ? text : undefined;
}

/** A Stripe charge as a source-scoped identifier (docs/events.md): a dispute names only its charge. */
export const stripeChargeId = (chargeId: string): string => `stripe:charge:${chargeId}`;

/**
 * billingId from `customer` (id or expanded object); email from the expanded customer, else from
 * what the object carries itself (the invoice's customer_email, the charge's billing details);
 * the charge that paid, as `stripe:charge:<id>`, which links later disputes of it to the customer.
 */
function identify(ref: CustomerRef, own: { email?: string | null | undefined; chargeId?: string | undefined } = {}): CustomerIdentifiers {
  const identifiers: CustomerIdentifiers = {};
  const billingId = refId(ref);
  if (billingId !== undefined) identifiers.billingId = billingId;
  const email = (typeof ref === 'object' ? usableText(ref?.email) : undefined) ?? usableText(own.email);
  if (email !== undefined) identifiers.email = email;
  if (own.chargeId !== undefined) identifiers.sourceId = stripeChargeId(own.chargeId);
  return identifiers;
}

const hasIdentifier = (customer: CustomerIdentifiers): boolean => Object.keys(customer).length > 0;

type Parsed<T> = { ok: true; value: T } | { ok: false; rejection: Translation };

/** Parses data.object; a failure names the field inside the whole event. */
function parseObject<T>(schema: z.ZodType<T>, event: StripeEvent): Parsed<T> {
  const parsed = schema.safeParse(event.data.object);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, rejection: zodRejection(parsed.error, ['data', 'object']) };
}

const single = (event: CanonicalEventInput): Translation => ({ ok: true, events: [event] });

export function invoiceEvent(type: EventType, amountField: 'amount_due' | 'amount_paid'): StripeEventHandler {
  return (event) => {
    const parsed = parseObject(invoiceSchema, event);
    if (!parsed.ok) return parsed.rejection;
    const invoice = parsed.value;
    const customer = identify(invoice.customer, { email: invoice.customer_email, chargeId: refId(invoice.charge) });
    if (!hasIdentifier(customer)) return rejected('invoice has no customer', 'data.object.customer');
    return single(
      billingEvent(event, type, {
        customer,
        reason: invoice.billing_reason,
        attributes: {
          invoiceId: invoice.id,
          amount: invoice[amountField],
          currency: invoice.currency,
          subscriptionId: refId(invoice.subscription) ?? refId(invoice.parent?.subscription_details?.subscription),
          attemptCount: type === 'billing.payment_failed' ? invoice.attempt_count : undefined,
        },
      }),
    );
  };
}

export const chargeRefunded: StripeEventHandler = (event) => {
  const parsed = parseObject(chargeSchema, event);
  if (!parsed.ok) return parsed.rejection;
  const charge = parsed.value;
  // The charge's own id is enough: it links to the customer through the charge's other events.
  const customer = identify(charge.customer, { email: charge.billing_details?.email, chargeId: charge.id });
  return single(
    billingEvent(event, 'billing.refund_issued', {
      customer,
      reason: charge.refunds?.data[0]?.reason,
      attributes: {
        chargeId: charge.id,
        // The total refunded so far: a second partial refund sends a new charge.refunded event.
        amount: charge.amount_refunded,
        currency: charge.currency,
        invoiceId: refId(charge.invoice),
      },
    }),
  );
};

/**
 * A dispute names only the charge it disputes (Stripe does not expand it in webhooks): it is the
 * customer of `stripe:charge:<id>`, whom the charge's invoice or refund shows, earlier or later.
 * An expanded charge says so at once.
 */
export const disputeOpened: StripeEventHandler = (event) => {
  const parsed = parseObject(disputeSchema, event);
  if (!parsed.ok) return parsed.rejection;
  const dispute = parsed.value;
  const charge = typeof dispute.charge === 'string' ? { id: dispute.charge } : dispute.charge;
  const customer =
    typeof dispute.charge === 'string'
      ? identify(undefined, { chargeId: charge.id })
      : identify(dispute.charge.customer, { email: dispute.charge.billing_details?.email, chargeId: charge.id });
  return single(
    billingEvent(event, 'billing.dispute_opened', {
      customer,
      reason: dispute.reason,
      attributes: {
        disputeId: dispute.id,
        chargeId: charge.id,
        amount: dispute.amount,
        currency: dispute.currency,
        status: dispute.status,
      },
    }),
  );
};

/** Keys of previous_attributes that mean the customer is now on another plan (or other items). */
const PLAN_KEYS = ['items', 'plan', 'price'] as const;

/**
 * customer.subscription.updated fires for every change (status, trial end, metadata, ...). Only a
 * change of plan, price or items is a billing.plan_changed; any other update is a valid payload
 * with nothing to say, so it translates to no event rather than to a dead letter.
 */
export const planChanged: StripeEventHandler = (event) => {
  const parsed = parseObject(subscriptionSchema, event);
  if (!parsed.ok) return parsed.rejection;
  const previous = event.data.previous_attributes ?? {};
  if (!PLAN_KEYS.some((key) => Object.hasOwn(previous, key))) return { ok: true, events: [] };
  const subscription = parsed.value;
  const customer = identify(subscription.customer);
  if (!hasIdentifier(customer)) return rejected('subscription has no customer', 'data.object.customer');
  const before = previousPlanSchema.safeParse(previous);
  return single(
    billingEvent(event, 'billing.plan_changed', {
      customer,
      attributes: {
        subscriptionId: subscription.id,
        plan: planIds(subscription),
        previousPlan: before.success ? planIds(before.data) : undefined,
        status: subscription.status,
      },
    }),
  );
};

export const subscriptionCanceled: StripeEventHandler = (event) => {
  const parsed = parseObject(subscriptionSchema, event);
  if (!parsed.ok) return parsed.rejection;
  const subscription = parsed.value;
  const customer = identify(subscription.customer);
  if (!hasIdentifier(customer)) return rejected('subscription has no customer', 'data.object.customer');
  return single(
    billingEvent(event, 'billing.subscription_canceled', {
      customer,
      reason: subscription.cancellation_details?.reason,
      attributes: {
        subscriptionId: subscription.id,
        plan: planIds(subscription),
        status: subscription.status,
        cancellationFeedback: subscription.cancellation_details?.feedback,
      },
    }),
  );
};
