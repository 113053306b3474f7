import { validateCanonicalEvent, type CanonicalEventInput } from '@seamline/schemas';
import { describe, expect, it } from 'vitest';
import type { Translation } from '../adapter.ts';
import { STRIPE_FIXTURE_NAMES, stripeFixture } from './test-fixtures.ts';
import { stripeAdapter } from './translate.ts';

const translate = (payload: unknown): Translation => stripeAdapter.translate(payload);

function eventsOf(name: string): CanonicalEventInput[] {
  const translation = translate(stripeFixture(name));
  if (!translation.ok) throw new Error(`${name} was rejected: ${translation.reason}`);
  return translation.events;
}

const ANN = { billingId: 'cus_PqR7sT8uV9wX' };

describe('stripe adapter: mapped event types', () => {
  it('turns invoice.payment_failed into billing.payment_failed with the billing reason and attempt count', () => {
    expect(eventsOf('invoice-payment-failed')).toEqual([
      {
        id: 'stripe-evt_1PFailA2b3C4d5E6',
        type: 'billing.payment_failed',
        occurredAt: '2026-03-01T10:00:00.000Z',
        source: 'stripe',
        customer: { ...ANN, email: 'ann@example.com' },
        channel: 'billing',
        direction: 'inbound',
        reason: 'subscription_cycle',
        attributes: {
          stripeEventType: 'invoice.payment_failed',
          livemode: 'false',
          invoiceId: 'in_1PFail000001',
          amount: '2900',
          currency: 'eur',
          subscriptionId: 'sub_1PxYz2AbCdEf',
          attemptCount: '2',
        },
      },
    ]);
  });

  it('takes the email of an expanded customer over the invoice customer_email', () => {
    expect(eventsOf('invoice-finalized-expanded-customer')).toEqual([
      {
        id: 'stripe-evt_1PFinB2b3C4d5E6',
        type: 'billing.invoice_issued',
        occurredAt: '2026-02-28T10:00:00.000Z',
        source: 'stripe',
        customer: { ...ANN, email: 'Ann@Example.com' },
        channel: 'billing',
        direction: 'inbound',
        reason: 'subscription_create',
        attributes: {
          stripeEventType: 'invoice.finalized',
          livemode: 'false',
          invoiceId: 'in_1PFin0000001',
          amount: '2900',
          currency: 'eur',
          subscriptionId: 'sub_1PxYz2AbCdEf',
        },
      },
    ]);
  });

  it('reads the subscription of an invoice from parent.subscription_details in newer API versions', () => {
    const [event] = eventsOf('invoice-paid');
    expect(event).toMatchObject({ id: 'stripe-evt_1PPaidC2b3C4d5E6', type: 'billing.payment_succeeded' });
    expect(event?.attributes).toEqual({
      stripeEventType: 'invoice.paid',
      livemode: 'false',
      invoiceId: 'in_1PFail000001',
      amount: '2900',
      currency: 'eur',
      subscriptionId: 'sub_1PxYz2AbCdEf',
    });
  });

  it('maps invoice.payment_succeeded like invoice.paid and identifies by billing id alone when there is no email', () => {
    const [event] = eventsOf('invoice-payment-succeeded');
    expect(event).toMatchObject({
      id: 'stripe-evt_1PSuccD2b3C4d5E6',
      type: 'billing.payment_succeeded',
      occurredAt: '2026-03-01T11:00:01.000Z',
      customer: ANN,
    });
    expect(event?.attributes?.stripeEventType).toBe('invoice.payment_succeeded');
  });

  it('turns charge.refunded into billing.refund_issued with the refunded amount and the refund reason', () => {
    expect(eventsOf('charge-refunded')).toEqual([
      {
        id: 'stripe-evt_1PRefE2b3C4d5E6',
        type: 'billing.refund_issued',
        occurredAt: '2026-03-02T11:00:00.000Z',
        source: 'stripe',
        // The billing details' email and the charge itself link the refund too.
        customer: { ...ANN, email: 'ann@example.com', sourceId: 'stripe:charge:ch_3PRef0000001' },
        channel: 'billing',
        direction: 'inbound',
        reason: 'requested_by_customer',
        attributes: {
          stripeEventType: 'charge.refunded',
          livemode: 'false',
          chargeId: 'ch_3PRef0000001',
          amount: '1450',
          currency: 'eur',
          invoiceId: 'in_1PFail000001',
        },
      },
    ]);
  });

  it('identifies a dispute by the customer of its expanded charge', () => {
    expect(eventsOf('charge-dispute-created-expanded-charge')).toEqual([
      {
        id: 'stripe-evt_1PDispF2b3C4d5E6',
        type: 'billing.dispute_opened',
        occurredAt: '2026-03-03T11:00:00.000Z',
        source: 'stripe',
        customer: { ...ANN, email: 'ann@example.com', sourceId: 'stripe:charge:ch_3PDisp000001' },
        channel: 'billing',
        direction: 'inbound',
        reason: 'product_not_received',
        attributes: {
          stripeEventType: 'charge.dispute.created',
          livemode: 'false',
          disputeId: 'dp_1PDisp000001',
          chargeId: 'ch_3PDisp000001',
          amount: '2900',
          currency: 'eur',
          status: 'needs_response',
        },
      },
    ]);
  });

  it('turns a subscription update that changed the price into billing.plan_changed with both plans', () => {
    expect(eventsOf('customer-subscription-updated-plan-changed')).toEqual([
      {
        id: 'stripe-evt_1PSubH2b3C4d5E6',
        type: 'billing.plan_changed',
        occurredAt: '2026-03-04T11:00:00.000Z',
        source: 'stripe',
        customer: ANN,
        channel: 'billing',
        direction: 'inbound',
        attributes: {
          stripeEventType: 'customer.subscription.updated',
          livemode: 'false',
          subscriptionId: 'sub_1PxYz2AbCdEf',
          plan: 'price_pro_monthly',
          previousPlan: 'price_basic_monthly',
          status: 'active',
        },
      },
    ]);
  });

  it('accepts a subscription update that changed no plan as a payload with no events', () => {
    expect(translate(stripeFixture('customer-subscription-updated-status-only'))).toEqual({ ok: true, events: [] });
  });

  it('turns customer.subscription.deleted into billing.subscription_canceled with the cancellation reason', () => {
    expect(eventsOf('customer-subscription-deleted')).toEqual([
      {
        id: 'stripe-evt_1PSubJ2b3C4d5E6',
        type: 'billing.subscription_canceled',
        occurredAt: '2026-03-05T11:00:00.000Z',
        source: 'stripe',
        customer: ANN,
        channel: 'billing',
        direction: 'inbound',
        reason: 'cancellation_requested',
        attributes: {
          stripeEventType: 'customer.subscription.deleted',
          livemode: 'false',
          subscriptionId: 'sub_1PxYz2AbCdEf',
          plan: 'price_pro_monthly',
          status: 'canceled',
          cancellationFeedback: 'too_expensive',
        },
      },
    ]);
  });
});

describe('stripe adapter: rejections', () => {
  it('names a dispute whose charge is not expanded by the charge: its owner is linked by the charge\'s other events', () => {
    const translation = translate(stripeFixture('charge-dispute-created-charge-id'));
    expect(translation.ok && translation.events.map((e) => [e.type, e.customer, e.attributes?.chargeId])).toEqual([
      ['billing.dispute_opened', { sourceId: 'stripe:charge:ch_3PDisp000002' }, 'ch_3PDisp000002'],
    ]);
  });

  it('names a dispute whose expanded charge has no customer by the charge', () => {
    const payload = stripeFixture('charge-dispute-created-expanded-charge');
    const dispute = (payload.data as { object: { charge: Record<string, unknown> } }).object;
    dispute.charge.customer = null;
    const translation = translate(payload);
    expect(translation.ok && translation.events[0]!.customer).toEqual({ sourceId: 'stripe:charge:ch_3PDisp000001' });
  });

  it('rejects an event type Seamline does not map, naming the type', () => {
    expect(translate(stripeFixture('customer-created-unhandled'))).toEqual({
      ok: false,
      reason: 'Stripe event type "customer.created" is not handled by Seamline',
      path: 'type',
    });
  });

  it('rejects a payload that is not a Stripe event, naming the field', () => {
    expect(translate({ ...stripeFixture('invoice-paid'), object: 'invoice' })).toMatchObject({ ok: false, path: 'object' });
    expect(translate({ ...stripeFixture('invoice-paid'), created: '2026-03-01' })).toMatchObject({ ok: false, path: 'created' });
    expect(translate('evt_1')).toMatchObject({ ok: false, path: '' });
  });

  it('rejects an invoice without any customer', () => {
    const payload = stripeFixture('invoice-payment-failed');
    Object.assign((payload.data as { object: object }).object, { customer: null, customer_email: null });
    expect(translate(payload)).toEqual({ ok: false, reason: 'invoice has no customer', path: 'data.object.customer' });
  });

  it('rejects an object field of the wrong type with its path inside the event', () => {
    const payload = stripeFixture('charge-refunded');
    Object.assign((payload.data as { object: object }).object, { amount_refunded: '1450' });
    expect(translate(payload)).toMatchObject({ ok: false, path: 'data.object.amount_refunded' });
  });
});

describe('stripe adapter: batches and ids', () => {
  it('translates an array of events and rejects the whole batch when one is bad, naming its index', () => {
    const good = [stripeFixture('invoice-paid'), stripeFixture('charge-refunded')];
    const batch = translate(good);
    expect(batch.ok && batch.events.map((event) => event.id)).toEqual([
      'stripe-evt_1PPaidC2b3C4d5E6',
      'stripe-evt_1PRefE2b3C4d5E6',
    ]);
    expect(translate([...good, stripeFixture('customer-created-unhandled')])).toEqual({
      ok: false,
      reason: 'event 2: Stripe event type "customer.created" is not handled by Seamline',
      path: '2.type',
    });
  });

  it('gives the same ids when the same payload is translated twice', () => {
    for (const name of STRIPE_FIXTURE_NAMES) {
      expect(translate(stripeFixture(name))).toEqual(translate(stripeFixture(name)));
    }
  });

  it('produces only events that pass canonical validation', () => {
    const accepted = STRIPE_FIXTURE_NAMES.map((name) => translate(stripeFixture(name)))
      .flatMap((translation) => (translation.ok ? translation.events : []));
    expect(accepted).toHaveLength(9);
    for (const event of accepted) {
      const validation = validateCanonicalEvent(event);
      expect(validation.ok, JSON.stringify(validation)).toBe(true);
    }
  });
});
