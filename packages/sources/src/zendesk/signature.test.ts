import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyZendeskSignature } from './index.ts';

const SECRET = 'dGhpc19pc19hX3NpZ25pbmdfc2VjcmV0';
const BODY = '{"type":"zen:event-type:ticket.created","id":"0f6e2a7c","detail":{"id":"4711"}}';
const TIMESTAMP = '2026-03-02T09:00:04Z';
const NOW = new Date('2026-03-02T09:01:00Z');

const sign = (timestamp: string, body: string, secret = SECRET) =>
  createHmac('sha256', secret).update(timestamp + body).digest('base64');

const check = (overrides: Partial<Parameters<typeof verifyZendeskSignature>[0]> = {}) =>
  verifyZendeskSignature({ body: BODY, signature: sign(TIMESTAMP, BODY), timestamp: TIMESTAMP, secret: SECRET, now: NOW, ...overrides });

describe('verifyZendeskSignature', () => {
  it('accepts a body signed with the secret over timestamp + body', () => {
    expect(check()).toEqual({ ok: true });
  });

  it('accepts a timestamp given in Unix seconds', () => {
    const seconds = String(Date.parse(TIMESTAMP) / 1000);
    expect(check({ timestamp: seconds, signature: sign(seconds, BODY) })).toEqual({ ok: true });
  });

  it('refuses a signature made with another secret', () => {
    expect(check({ signature: sign(TIMESTAMP, BODY, 'another-secret') })).toEqual({
      ok: false,
      reason: 'signature does not match the body and the signing secret',
    });
  });

  it('refuses a body changed after signing, and a signature of another length', () => {
    expect(check({ body: BODY.replace('4711', '4712') }).ok).toBe(false);
    expect(check({ signature: 'c2hvcnQ=' }).ok).toBe(false);
  });

  it('refuses a timestamp older or further ahead than the tolerance, so captured requests cannot be replayed', () => {
    expect(check({ now: new Date('2026-03-02T09:05:05Z') })).toEqual({
      ok: false,
      reason: 'signature timestamp 2026-03-02T09:00:04Z is more than 300 s from now',
    });
    expect(check({ now: new Date('2026-03-02T08:54:00Z') }).ok).toBe(false);
    expect(check({ now: new Date('2026-03-02T09:05:05Z'), toleranceSeconds: 600 })).toEqual({ ok: true });
  });

  it.each([
    ['the signature header', { signature: undefined }, 'missing header X-Zendesk-Webhook-Signature'],
    ['the timestamp header', { timestamp: undefined }, 'missing header X-Zendesk-Webhook-Signature-Timestamp'],
    ['a signing secret', { secret: '' }, 'no signing secret configured for the Zendesk webhook'],
  ])('refuses a request without %s', (_what, overrides, reason) => {
    expect(check(overrides)).toEqual({ ok: false, reason });
  });

  it('refuses a timestamp that is not a time', () => {
    expect(check({ timestamp: 'yesterday' })).toEqual({
      ok: false,
      reason: 'X-Zendesk-Webhook-Signature-Timestamp is not a time: "yesterday"',
    });
  });
});
