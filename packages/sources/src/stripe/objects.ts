import { z } from 'zod';

/**
 * The parts of Stripe's Event and API objects that Seamline reads, as Stripe documents them.
 * Every object is loose: Stripe adds fields between API versions, and a field Seamline does not
 * read must never turn a payment into a dead letter. Fields that are nullable in Stripe's API
 * reference are `nullish` here.
 */

const stripeId = z.string().regex(/\S/, 'must not be blank');

/** The canonical id is "stripe-" + the event id, and it must stay within 200 characters. */
const MAX_EVENT_ID = 200 - 'stripe-'.length;

/** Up to 9999-12-31T23:59:59Z, so the ISO string keeps the four-digit year the canonical schema expects. */
const unixSeconds = z.number().int().min(0).max(253_402_300_799);

export const stripeEventSchema = z.looseObject({
  id: stripeId.max(MAX_EVENT_ID),
  object: z.literal('event'),
  type: z.string().min(1),
  created: unixSeconds,
  livemode: z.boolean().optional(),
  data: z.looseObject({
    object: z.record(z.string(), z.unknown()),
    previous_attributes: z.record(z.string(), z.unknown()).optional(),
  }),
});
export type StripeEvent = z.infer<typeof stripeEventSchema>;

/** `customer` is an id, or the Customer object when the webhook or a fetch expanded it. */
export const customerRef = z
  .union([stripeId, z.looseObject({ id: stripeId, email: z.string().nullish() })])
  .nullish();
export type CustomerRef = z.infer<typeof customerRef>;

/** Any expandable reference (subscription, invoice): only its id matters here. */
const expandable = z.union([stripeId, z.looseObject({ id: stripeId })]).nullish();

/** Amounts are integers in the currency's smallest unit (cents), as Stripe sends them. */
const amount = z.number().int().nullish();

export const invoiceSchema = z.looseObject({
  id: stripeId,
  customer: customerRef,
  customer_email: z.string().nullish(),
  billing_reason: z.string().nullish(),
  amount_due: amount,
  amount_paid: amount,
  currency: z.string().nullish(),
  attempt_count: z.number().int().nullish(),
  // The charge that paid the invoice (API versions before 2025-03-31 name it here).
  charge: expandable,
  subscription: expandable,
  // API 2025-03-31 moved invoice.subscription to invoice.parent.subscription_details.subscription.
  parent: z
    .looseObject({ subscription_details: z.looseObject({ subscription: expandable }).nullish() })
    .nullish(),
});
export type Invoice = z.infer<typeof invoiceSchema>;

export const chargeSchema = z.looseObject({
  id: stripeId,
  customer: customerRef,
  amount,
  amount_refunded: amount,
  currency: z.string().nullish(),
  invoice: expandable,
  billing_details: z.looseObject({ email: z.string().nullish(), phone: z.string().nullish() }).nullish(),
  // Newest refund first; only included when the API version or the webhook expands it.
  refunds: z.looseObject({ data: z.array(z.looseObject({ reason: z.string().nullish() })) }).nullish(),
});
export type Charge = z.infer<typeof chargeSchema>;

export const disputeSchema = z.looseObject({
  id: stripeId,
  charge: z.union([stripeId, chargeSchema]),
  amount,
  currency: z.string().nullish(),
  reason: z.string().nullish(),
  status: z.string().nullish(),
});

const priceRef = z.looseObject({ id: stripeId }).nullish();
const subscriptionItems = z.looseObject({
  data: z.array(z.looseObject({ price: priceRef, plan: priceRef })),
});

export const subscriptionSchema = z.looseObject({
  id: stripeId,
  customer: customerRef,
  status: z.string().nullish(),
  items: subscriptionItems.nullish(),
  plan: priceRef,
  cancellation_details: z
    .looseObject({ reason: z.string().nullish(), feedback: z.string().nullish() })
    .nullish(),
});
export type Subscription = z.infer<typeof subscriptionSchema>;

/** What `previous_attributes` says about the plan before the update, when Stripe included it. */
export const previousPlanSchema = z.looseObject({
  items: subscriptionItems.nullish(),
  plan: priceRef,
});

type PlanHolder = { items?: z.infer<typeof subscriptionItems> | null; plan?: { id: string } | null };

/** The price ids a subscription is on ("price_a,price_b"); legacy plans stand in for prices. */
export function planIds(subscription: PlanHolder): string | undefined {
  const fromItems = (subscription.items?.data ?? [])
    .map((item) => item.price?.id ?? item.plan?.id)
    .filter((id): id is string => id !== undefined);
  const ids = fromItems.length > 0 ? fromItems : subscription.plan ? [subscription.plan.id] : [];
  return ids.length > 0 ? ids.join(',') : undefined;
}

/** The id of an expandable reference, whether Stripe sent the id or the object. */
export function refId(ref: string | { id: string } | null | undefined): string | undefined {
  if (ref === null || ref === undefined) return undefined;
  return typeof ref === 'string' ? ref : ref.id;
}
