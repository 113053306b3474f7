import { performance } from 'node:perf_hooks';
import type { CanonicalEventInput } from '@seamline/schemas';
import type { DriverConfig, ProbeRecord } from './protocol.ts';
import { sleep, type Slots } from '../slots.ts';

/** Far enough in the past for any repeat or maturity window; the same for every probe. */
export const PROBE_OCCURRED_AT = '2026-01-15T00:00:00Z';
const PROBE_PERIOD = { from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:00Z' };

export const PROBE_ID_PREFIX = 'bench-probe-';
const probeQueue = (n: number) => `bench-probe-${n}`;

/**
 * A contact no one else has: its own customer and its own queue. The org map is empty, so the
 * queue is the team `unmapped:bench-probe-<n>`, and that team's summary shows 1 contact once the
 * event is stored and the metrics reflect it.
 */
export function probeEvent(n: number): CanonicalEventInput {
  return {
    id: `${PROBE_ID_PREFIX}${n}`,
    type: 'ticket.created',
    occurredAt: PROBE_OCCURRED_AT,
    source: 'bench',
    customer: { email: `probe-${n}@bench.example` },
    contactId: `bench-probe-${n}`,
    queue: probeQueue(n),
    channel: 'email',
    direction: 'inbound',
  };
}

export interface PollLog {
  count: number;
  /** Failed polls by HTTP status or error message. */
  errors: Record<string, number>;
  latenciesMs: number[];
}

function countError(log: PollLog, why: string): void {
  log.errors[why] = (log.errors[why] ?? 0) + 1;
}

/**
 * Polls the probe's team summary from its acknowledgement until it shows the contact, or the
 * timeout passes (lost). Freshness is taken when the answer arrives, which includes the poll's
 * own latency; that latency is kept so a reader can tell API latency from pipeline delay.
 */
export async function watchProbe(
  probe: ProbeRecord,
  ackedAt: number,
  config: DriverConfig,
  pollSlots: Slots,
  pollLog: PollLog,
): Promise<void> {
  const query = new URLSearchParams({ ...PROBE_PERIOD, team: `unmapped:${probeQueue(probe.n)}` });
  const url = `${config.metricsUrl}/v1/metrics/summary?${query}`;
  const deadline = ackedAt + config.probeTimeoutMs;
  while (performance.now() < deadline) {
    await pollSlots.acquire();
    const started = performance.now();
    try {
      if (started >= deadline) break;
      const response = await fetch(url, { signal: AbortSignal.timeout(Math.ceil(deadline - started)) });
      const body = (await response.json()) as { contacts?: number };
      const answered = performance.now();
      probe.polls += 1;
      pollLog.count += 1;
      pollLog.latenciesMs.push(answered - started);
      if (!response.ok) countError(pollLog, `HTTP ${response.status}`);
      else if ((body.contacts ?? 0) > 0) {
        Object.assign(probe, { outcome: 'seen', freshnessMs: answered - ackedAt, confirmingPollMs: answered - started, contacts: body.contacts });
        return;
      }
    } catch (error) {
      // A poll cut off by the probe's deadline is the probe timing out, not an API error.
      if ((error as Error).name !== 'TimeoutError') countError(pollLog, (error as Error).message);
    } finally {
      pollSlots.release();
    }
    await sleep(started + config.pollIntervalMs - performance.now());
  }
  probe.outcome = 'lost';
}
