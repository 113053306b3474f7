import { rejected, type SourceAdapter, type Translation } from '../adapter.ts';
import {
  chargeRefunded,
  disputeOpened,
  invoiceEvent,
  planChanged,
  STRIPE_SOURCE,
  subscriptionCanceled,
  type StripeEventHandler,
} from './billing-events.ts';
import { stripeEventSchema } from './objects.ts';

/** The Stripe event types Seamline maps; a Map so that a type named "constructor" finds nothing. */
const HANDLERS: ReadonlyMap<string, StripeEventHandler> = new Map([
  ['invoice.payment_failed', invoiceEvent('billing.payment_failed', 'amount_due')],
  ['invoice.finalized', invoiceEvent('billing.invoice_issued', 'amount_due')],
  ['invoice.paid', invoiceEvent('billing.payment_succeeded', 'amount_paid')],
  ['invoice.payment_succeeded', invoiceEvent('billing.payment_succeeded', 'amount_paid')],
  ['charge.refunded', chargeRefunded],
  ['charge.dispute.created', disputeOpened],
  ['customer.subscription.updated', planChanged],
  ['customer.subscription.deleted', subscriptionCanceled],
]);

export const STRIPE_EVENT_TYPES: readonly string[] = [...HANDLERS.keys()];

/**
 * Translates one Stripe Event object. A type Seamline does not map is rejected rather than
 * ignored: the webhook endpoint may be subscribed to more than Seamline understands, and a dead
 * letter makes that visible and lets the event be replayed once a mapping exists.
 */
export function translateStripeEvent(payload: unknown): Translation {
  const parsed = stripeEventSchema.safeParse(payload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = (issue?.path ?? []).map(String).join('.');
    const message = issue?.message ?? 'not a Stripe event';
    return rejected(path ? `${path}: ${message}` : `not a Stripe event: ${message}`, path);
  }
  const event = parsed.data;
  const handler = HANDLERS.get(event.type);
  if (!handler) {
    return rejected(`Stripe event type "${event.type.slice(0, 100)}" is not handled by Seamline`, 'type');
  }
  return handler(event);
}

/**
 * One Stripe event, or an array of them (a batch replayed from Stripe's events API). A batch is
 * all or nothing, as the adapter contract asks: one bad event dead-letters the whole payload.
 */
export function translateStripePayload(payload: unknown): Translation {
  if (!Array.isArray(payload)) return translateStripeEvent(payload);
  const events = [];
  for (const [index, item] of payload.entries()) {
    const translation = translateStripeEvent(item);
    if (!translation.ok) {
      const path = translation.path ? `${index}.${translation.path}` : String(index);
      return rejected(`event ${index}: ${translation.reason}`, path);
    }
    events.push(...translation.events);
  }
  return { ok: true, events };
}

export const stripeAdapter: SourceAdapter<void> = {
  source: STRIPE_SOURCE,
  translate: (payload) => translateStripePayload(payload),
};
