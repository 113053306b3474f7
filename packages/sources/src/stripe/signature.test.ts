import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyStripeSignature } from './signature.ts';

const SECRET = 'whsec_test_5WbX5kEWLlfzsGNjH64I8lOOqUB6e8FH';
const BODY = '{"id":"evt_1PFailA2b3C4d5E6","object":"event","type":"invoice.payment_failed"}';
const SIGNED_AT = 1772359200;
const NOW = new Date(SIGNED_AT * 1000 + 30_000);

const sign = (body: string, timestamp: number, secret = SECRET): string =>
  createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');

const header = (...signatures: string[]): string =>
  [`t=${SIGNED_AT}`, ...signatures.map((signature) => `v1=${signature}`)].join(',');

describe('verifyStripeSignature', () => {
  it('accepts a body signed with the endpoint secret and returns the signed time', () => {
    expect(verifyStripeSignature({ body: BODY, header: header(sign(BODY, SIGNED_AT)), secret: SECRET, now: NOW })).toEqual({
      ok: true,
      timestamp: new Date(SIGNED_AT * 1000),
    });
  });

  it('rejects a signature made with another secret', () => {
    const verdict = verifyStripeSignature({
      body: BODY,
      header: header(sign(BODY, SIGNED_AT, 'whsec_other')),
      secret: SECRET,
      now: NOW,
    });
    expect(verdict).toEqual({ ok: false, reason: 'no v1 signature matches the body and the signing secret' });
  });

  it('rejects a body changed after signing', () => {
    const tampered = BODY.replace('payment_failed', 'payment_succeeded');
    const verdict = verifyStripeSignature({ body: tampered, header: header(sign(BODY, SIGNED_AT)), secret: SECRET, now: NOW });
    expect(verdict.ok).toBe(false);
  });

  it('rejects a correctly signed request older than the tolerance, so it cannot be replayed', () => {
    const later = new Date((SIGNED_AT + 301) * 1000);
    const verdict = verifyStripeSignature({ body: BODY, header: header(sign(BODY, SIGNED_AT)), secret: SECRET, now: later });
    expect(verdict).toEqual({ ok: false, reason: `Stripe-Signature timestamp ${SIGNED_AT} is more than 300 s from now` });
    expect(
      verifyStripeSignature({ body: BODY, header: header(sign(BODY, SIGNED_AT)), secret: SECRET, now: later, toleranceSeconds: 600 }).ok,
    ).toBe(true);
  });

  it('accepts a header with two v1 signatures when one of them matches, as while a secret is rolled', () => {
    const both = header(sign(BODY, SIGNED_AT, 'whsec_old'), sign(BODY, SIGNED_AT));
    expect(verifyStripeSignature({ body: BODY, header: `${both},v0=6ffbb59b2300aae63f27240`, secret: SECRET, now: NOW }).ok).toBe(
      true,
    );
  });

  it('rejects a request without the Stripe-Signature header', () => {
    expect(verifyStripeSignature({ body: BODY, header: undefined, secret: SECRET, now: NOW })).toEqual({
      ok: false,
      reason: 'missing header Stripe-Signature',
    });
  });

  it('rejects a header without a timestamp or without a v1 signature', () => {
    const withoutTimestamp = `v1=${sign(BODY, SIGNED_AT)}`;
    expect(verifyStripeSignature({ body: BODY, header: withoutTimestamp, secret: SECRET, now: NOW }).ok).toBe(false);
    expect(verifyStripeSignature({ body: BODY, header: `t=${SIGNED_AT},v0=abc`, secret: SECRET, now: NOW }).ok).toBe(false);
    expect(verifyStripeSignature({ body: BODY, header: `t=soon,v1=${sign(BODY, SIGNED_AT)}`, secret: SECRET, now: NOW }).ok).toBe(
      false,
    );
  });

  it('refuses to verify anything without a signing secret', () => {
    const verdict = verifyStripeSignature({ body: BODY, header: header(sign(BODY, SIGNED_AT, '')), secret: '', now: NOW });
    expect(verdict.ok).toBe(false);
  });
});
