import type { PostCounts } from '../posts.ts';
import type { Distribution } from '../stats.ts';

// What the benchmark process and its load driver (a child process) tell each other over IPC.

export interface DriverConfig {
  ingestUrl: string;
  metricsUrl: string;
  /** Target events per second, probes not counted. */
  rate: number;
  /** Measured seconds, after the warm-up. */
  seconds: number;
  warmupSeconds: number;
  probesPerSecond: number;
  /** Events per POST; a POST leaves every batchSize / rate seconds. */
  batchSize: number;
  pollIntervalMs: number;
  probeTimeoutMs: number;
  /** Bounds on concurrent requests, so a slow service slows the driver instead of piling up. */
  maxInFlightPosts: number;
  maxInFlightPolls: number;
  /** Seed of @seamline/generator's sample events. */
  seed: number;
}

export type ProbeOutcome = 'seen' | 'lost' | 'rejected' | 'not-acknowledged';

export interface ProbeRecord {
  n: number;
  /** Scheduled while warming up: not in the figures. */
  warmup: boolean;
  outcome: ProbeOutcome;
  /** Milliseconds since the load started when its POST was acknowledged. */
  ackedAtMs?: number;
  /** Acknowledgement to the response that showed it (contacts = 1). */
  freshnessMs?: number;
  /** Acknowledgement to the end of the stitcher's batch holding it (filled in by the benchmark process). */
  storedMs?: number;
  /** Duration of the poll that showed it: the truth lies within this much before freshnessMs. */
  confirmingPollMs?: number;
  polls: number;
  /** contacts reported when seen; anything but 1 is an anomaly. */
  contacts?: number;
}

export interface LoadFigures extends PostCounts {
  targetRate: number;
  batchSize: number;
  /** From the first POST to the acknowledgement of the last. */
  durationMs: number;
  /** POSTs sent after the warm-up, and what they achieved up to the last acknowledgement. */
  measured: { seconds: number; eventsSent: number; eventsAccepted: number; achievedRate: number };
  /** POSTs that left more than one interval behind schedule (in-flight bound or a busy driver). */
  lateTicks: number;
  /** POSTs not sent because the load's time was up (ingest too slow for the in-flight bound). */
  skippedPosts: number;
  maxLagMs: number;
}

export interface DriverReport {
  /** performance.timeOrigin + now() when the load started: the epoch the probe times count from. */
  startedAtEpochMs: number;
  load: LoadFigures;
  /** POST to HTTP 200, after the warm-up. */
  ackLatencyMs: Distribution;
  probes: {
    sent: number;
    measured: number;
    seen: number;
    lost: number;
    rejected: number;
    notAcknowledged: number;
    /** After the warm-up; lost probes count as never (null percentiles). */
    freshnessMs: Distribution;
    list: ProbeRecord[];
  };
  polls: { count: number; errors: Record<string, number>; latencyMs: Distribution; lastTenMs: number[] };
}

export interface DriverProgress {
  elapsedS: number;
  eventsAccepted: number;
  postsInFlight: number;
  probesSeen: number;
  probesWatching: number;
  lastPollMs: number | null;
}

export type DriverMessage =
  | { kind: 'progress'; progress: DriverProgress }
  | { kind: 'report'; report: DriverReport }
  | { kind: 'failed'; error: string };
