import type { Logger } from '@seamline/log';
import type { SlackMessage } from './messages.ts';
import type { Webhook } from './rules.ts';

/** A delivery's outcome as a value: delivered, or not (the caller keeps its state and tries next run). */
export type Delivery = { delivered: true; attempts: number } | { delivered: false; attempts: number; reason: string };

export interface Notifier {
  deliver(webhook: Webhook, message: SlackMessage): Promise<Delivery>;
}

export interface NotifierOptions {
  logger: Logger;
  /** Per attempt. */
  timeoutMs?: number;
  /** Attempts in all, the first included. */
  attempts?: number;
  /** Wait before the second attempt; doubled before each later one. */
  backoffMs?: number;
  /** Waits between attempts (tests pass one that does not wait). */
  sleep?: (ms: number) => Promise<void>;
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * POSTs Slack-compatible JSON to webhooks with a timeout per attempt and a bounded number of
 * attempts with exponential backoff. Network errors, timeouts, 429 and 5xx are retried; other
 * answers are final (a 404 will not get better in a second). URLs are never logged: an
 * incoming-webhook URL is its secret.
 */
export function createWebhookNotifier(options: NotifierOptions): Notifier {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const attempts = Math.max(1, options.attempts ?? 3);
  const backoffMs = options.backoffMs ?? 1_000;
  const sleep = options.sleep ?? wait;

  async function attempt(url: string, body: string): Promise<{ ok: true } | { ok: false; retry: boolean; reason: string }> {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      // Drain the body so the connection is released.
      await response.arrayBuffer().catch(() => undefined);
      if (response.ok) return { ok: true };
      const retry = response.status === 429 || response.status >= 500;
      return { ok: false, retry, reason: `HTTP ${response.status}` };
    } catch (error) {
      const { name, message, cause } = error as Error & { cause?: { message?: string } };
      // fetch says only "fetch failed"; the cause says why (ECONNREFUSED, a DNS error, …).
      const reason = name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : `${message}${cause?.message ? `: ${cause.message}` : ''}`;
      return { ok: false, retry: true, reason };
    }
  }

  return {
    async deliver(webhook, message) {
      const body = JSON.stringify(message);
      let reason = 'not attempted';
      for (let n = 1; n <= attempts; n++) {
        const result = await attempt(webhook.url, body);
        if (result.ok) return { delivered: true, attempts: n };
        reason = result.reason;
        options.logger.warn({ webhook: webhook.name, attempt: n, of: attempts, reason }, 'webhook delivery failed');
        if (!result.retry) return { delivered: false, attempts: n, reason };
        if (n < attempts) await sleep(backoffMs * 2 ** (n - 1));
      }
      return { delivered: false, attempts, reason };
    },
  };
}
