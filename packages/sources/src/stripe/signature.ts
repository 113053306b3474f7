import { createHmac, timingSafeEqual } from 'node:crypto';

export const STRIPE_SIGNATURE_HEADER = 'stripe-signature';

export interface StripeSignatureInput {
  /** The raw request body, exactly as received (before any JSON parsing). */
  body: string;
  /** Header Stripe-Signature: `t=<unix seconds>,v1=<hex>[,v1=<hex>...]`. */
  header: string | undefined;
  /** The endpoint's signing secret (whsec_...). */
  secret: string;
  now?: Date;
  /** How far the signed timestamp may be from now, either way; default 300 s. Limits replays. */
  toleranceSeconds?: number;
}

export type StripeSignatureVerdict = { ok: true; timestamp: Date } | { ok: false; reason: string };

interface SignatureHeader {
  timestamp: string;
  signatures: string[];
}

/** Splits `t=...,v1=...`; other schemes (v0, future ones) are ignored, as Stripe advises. */
function parseHeader(header: string): SignatureHeader | undefined {
  let timestamp: string | undefined;
  const signatures: string[] = [];
  for (const element of header.split(',')) {
    const separator = element.indexOf('=');
    if (separator < 0) continue;
    const key = element.slice(0, separator).trim();
    const value = element.slice(separator + 1).trim();
    if (key === 't') timestamp = value;
    else if (key === 'v1' && value !== '') signatures.push(value);
  }
  return timestamp === undefined || signatures.length === 0 ? undefined : { timestamp, signatures };
}

/** Constant time for equal lengths; a length mismatch reveals nothing about the secret. */
function sameSignature(expected: Buffer, candidate: string): boolean {
  const received = Buffer.from(candidate, 'utf8');
  return received.length === expected.length && timingSafeEqual(received, expected);
}

/**
 * Checks a Stripe webhook signature as Stripe documents it: the expected signature is the hex
 * HMAC-SHA256 of `${t}.${body}` with the endpoint secret; the request is authentic when any v1
 * signature matches (Stripe sends several while a secret is being rolled), and fresh when t is
 * within the tolerance of now.
 */
export function verifyStripeSignature(input: StripeSignatureInput): StripeSignatureVerdict {
  const { body, header, secret } = input;
  if (!secret) return { ok: false, reason: 'no signing secret configured for the Stripe webhook' };
  if (header === undefined || header.trim() === '') return { ok: false, reason: 'missing header Stripe-Signature' };
  const parsed = parseHeader(header);
  if (!parsed) {
    return { ok: false, reason: 'Stripe-Signature header has no timestamp (t=) or no v1 signature' };
  }
  if (!/^\d{1,12}$/.test(parsed.timestamp)) {
    return { ok: false, reason: `Stripe-Signature timestamp is not Unix seconds: "${parsed.timestamp.slice(0, 40)}"` };
  }
  const expected = Buffer.from(
    createHmac('sha256', secret).update(`${parsed.timestamp}.${body}`, 'utf8').digest('hex'),
    'utf8',
  );
  if (!parsed.signatures.some((candidate) => sameSignature(expected, candidate))) {
    return { ok: false, reason: 'no v1 signature matches the body and the signing secret' };
  }
  const signedAt = Number(parsed.timestamp) * 1000;
  const now = (input.now ?? new Date()).getTime();
  const toleranceSeconds = input.toleranceSeconds ?? 300;
  if (!(Math.abs(now - signedAt) <= toleranceSeconds * 1000)) {
    return {
      ok: false,
      reason: `Stripe-Signature timestamp ${parsed.timestamp} is more than ${toleranceSeconds} s from now`,
    };
  }
  return { ok: true, timestamp: new Date(signedAt) };
}
