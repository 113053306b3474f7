import autocannon from 'autocannon';
import { distribution, type Distribution } from '../stats.ts';

export interface LoadOptions {
  /** http://host:port */
  baseUrl: string;
  /** Paths with query, taken round-robin across all connections. */
  paths: readonly string[];
  headers: Record<string, string>;
  connections: number;
  /** How long to run: seconds, or a number of requests (each path once, for a warm-up). */
  seconds?: number;
  amount?: number;
  /** A request without an answer after this long counts as an error (a timeout). */
  timeoutSeconds: number;
  signal: AbortSignal;
}

export interface LoadResult {
  /** Answers received (any status). */
  responses: number;
  /** Answers with status 2xx. */
  ok: number;
  /** Answers by status code. */
  statusCodes: Record<string, number>;
  /** Requests sent. */
  sent: number;
  /** Requests that got no answer: connection errors and timeouts (included in `errors`). */
  errors: number;
  timeouts: number;
  /**
   * Requests still waiting for their answer when the run ended: not in the latencies, which
   * understate when these are many (their latency is at least their age, unknown beyond).
   */
  unansweredAtEnd: number;
  /**
   * Latency of every request from sending to its whole answer, any status; a request that got no
   * answer counts as never answered (a percentile that lands on one is null).
   */
  latencyMs: Distribution & { mean: number | null };
  /** Answers per second over the run. */
  requestsPerSecond: number;
  durationS: number;
}

/**
 * Runs autocannon against `paths` for `seconds` with `connections` connections, each request the
 * next path of the list (one counter over all connections), and gathers each answer's latency.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  if (options.signal.aborted) throw new Error('aborted');
  if (options.paths.length === 0) throw new Error('runLoad: no paths to request');
  const { paths } = options;
  let next = 0;
  const latencies: number[] = [];
  const statusCodes: Record<string, number> = {};
  let instance: autocannon.Instance | undefined;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon(
      {
        url: options.baseUrl,
        connections: options.connections,
        ...(options.amount === undefined ? { duration: options.seconds ?? 10 } : { amount: options.amount }),
        timeout: options.timeoutSeconds,
        headers: options.headers,
        requests: [
          {
            method: 'GET',
            setupRequest: (request) => {
              const path = paths[next % paths.length]!;
              next += 1;
              return { ...request, path };
            },
          },
        ],
      },
      (error: unknown, done: autocannon.Result) => (error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(done)),
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      latencies.push(responseTime);
      statusCodes[statusCode] = (statusCodes[statusCode] ?? 0) + 1;
    });
    options.signal.addEventListener('abort', () => instance?.stop(), { once: true });
  });
  if (options.signal.aborted) throw new Error('aborted');
  const answered = latencies.length;
  const mean = answered === 0 ? null : Math.round((latencies.reduce((a, b) => a + b, 0) / answered) * 10) / 10;
  for (let i = 0; i < result.errors; i++) latencies.push(Number.POSITIVE_INFINITY);
  const ok = Object.entries(statusCodes).reduce((sum, [code, n]) => (code.startsWith('2') ? sum + n : sum), 0);
  return {
    responses: answered,
    ok,
    statusCodes,
    sent: result.requests.sent,
    errors: result.errors,
    timeouts: result.timeouts,
    unansweredAtEnd: Math.max(0, result.requests.sent - answered - result.errors),
    latencyMs: { ...distribution(latencies), mean },
    requestsPerSecond: Math.round((answered / result.duration) * 10) / 10,
    durationS: result.duration,
  };
}
