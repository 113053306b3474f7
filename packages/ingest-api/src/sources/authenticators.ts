import { timingSafeEqual } from 'node:crypto';
import { verifyStripeSignature, verifyZendeskSignature } from '@seamline/sources';

export interface SourceRequest {
  headers: Record<string, string | string[] | undefined>;
  /** The raw body, exactly as received: signatures are computed over these bytes. */
  body: string;
}

export type Authentication = { ok: true } | { ok: false; reason: string };
export type Authenticate = (request: SourceRequest) => Authentication;

/** Each source's own secret; a source without one is not accepted. */
export interface SourceSecrets {
  zendeskWebhookSecret?: string | undefined;
  connectToken?: string | undefined;
  stripeWebhookSecret?: string | undefined;
}

const header = (request: SourceRequest, name: string): string | undefined => {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Source name -> how its requests prove where they come from: Zendesk's and Stripe's webhook
 * signatures, and a bearer token for Amazon Connect records (forwarded by a Lambda or Firehose).
 * The value is the variable to set when the source is not configured.
 */
export function sourceAuthenticators(secrets: SourceSecrets): ReadonlyMap<string, Authenticate | string> {
  const { zendeskWebhookSecret, connectToken, stripeWebhookSecret } = secrets;
  return new Map<string, Authenticate | string>([
    [
      'zendesk',
      zendeskWebhookSecret
        ? (request) =>
            verifyZendeskSignature({
              body: request.body,
              signature: header(request, 'x-zendesk-webhook-signature'),
              timestamp: header(request, 'x-zendesk-webhook-signature-timestamp'),
              secret: zendeskWebhookSecret,
            })
        : 'ZENDESK_WEBHOOK_SECRET',
    ],
    [
      'connect',
      connectToken
        ? (request) => {
            const given = /^Bearer (.+)$/.exec(header(request, 'authorization') ?? '')?.[1];
            if (!given) return { ok: false, reason: 'missing "Authorization: Bearer <token>" header' };
            return sameSecret(given, connectToken) ? { ok: true } : { ok: false, reason: 'wrong bearer token' };
          }
        : 'CONNECT_TOKEN',
    ],
    [
      'stripe',
      stripeWebhookSecret
        ? (request) => {
            const result = verifyStripeSignature({ body: request.body, header: header(request, 'stripe-signature'), secret: stripeWebhookSecret });
            return result.ok ? { ok: true } : result;
          }
        : 'STRIPE_WEBHOOK_SECRET',
    ],
  ]);
}
