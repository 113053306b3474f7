import { createHmac, timingSafeEqual } from 'node:crypto';

export const ZENDESK_SIGNATURE_HEADER = 'x-zendesk-webhook-signature';
export const ZENDESK_TIMESTAMP_HEADER = 'x-zendesk-webhook-signature-timestamp';

export interface ZendeskSignatureCheck {
  /** The raw request body, exactly as received (before any JSON parsing). */
  body: string;
  /** Header X-Zendesk-Webhook-Signature. */
  signature: string | undefined;
  /** Header X-Zendesk-Webhook-Signature-Timestamp. */
  timestamp: string | undefined;
  /** The webhook's signing secret. */
  secret: string;
  now?: Date;
  /** How far the timestamp may be from now, either way; default 300 s. Limits replays. */
  toleranceSeconds?: number;
}

export type ZendeskSignatureVerdict = { ok: true } | { ok: false; reason: string };

/** Zendesk sends ISO 8601 ("2024-04-17T17:18:10Z"); Unix seconds are accepted too. */
function timestampMillis(timestamp: string): number {
  if (/^\d{1,12}$/.test(timestamp)) return Number(timestamp) * 1000;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/.test(timestamp)) return Number.NaN;
  return Date.parse(timestamp);
}

/**
 * Checks a Zendesk webhook signature: base64(HMAC-SHA256(secret, timestamp + body)). The compare
 * runs in constant time, and a timestamp outside the tolerance fails so a captured request cannot
 * be replayed later.
 */
export function verifyZendeskSignature(check: ZendeskSignatureCheck): ZendeskSignatureVerdict {
  const { body, signature, timestamp, secret } = check;
  if (!secret) return { ok: false, reason: 'no signing secret configured for the Zendesk webhook' };
  if (!signature) return { ok: false, reason: 'missing header X-Zendesk-Webhook-Signature' };
  if (!timestamp) return { ok: false, reason: 'missing header X-Zendesk-Webhook-Signature-Timestamp' };
  const sentAt = timestampMillis(timestamp.trim());
  if (Number.isNaN(sentAt)) {
    return { ok: false, reason: `X-Zendesk-Webhook-Signature-Timestamp is not a time: "${timestamp.slice(0, 40)}"` };
  }
  const now = (check.now ?? new Date()).getTime();
  const toleranceMs = (check.toleranceSeconds ?? 300) * 1000;
  if (!(Math.abs(now - sentAt) <= toleranceMs)) {
    return { ok: false, reason: `signature timestamp ${timestamp} is more than ${toleranceMs / 1000} s from now` };
  }
  const expected = Buffer.from(createHmac('sha256', secret).update(timestamp + body, 'utf8').digest('base64'));
  const received = Buffer.from(signature.trim());
  // timingSafeEqual needs equal lengths; a length mismatch reveals nothing about the secret
  if (received.length !== expected.length || !timingSafeEqual(received, expected)) {
    return { ok: false, reason: 'signature does not match the body and the signing secret' };
  }
  return { ok: true };
}
