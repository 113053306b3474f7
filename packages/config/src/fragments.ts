import { z } from 'zod';
import { durationMs, isDuration, JOURNEY_DEFAULTS } from './durations.ts';

/** Variables shared by several services; each service's env.ts composes the ones it needs. */

const csvList = z
  .string()
  .transform((value) => value.split(',').map((part) => part.trim()).filter(Boolean))
  .pipe(z.array(z.string().regex(/^[^\s:]+:\d{1,5}$/, 'each broker must be host:port')).min(1));

export const kafkaEnv = {
  KAFKA_BROKERS: csvList.describe('Comma-separated host:port list of Kafka brokers.'),
  KAFKA_CLIENT_ID: z.string().default('seamline'),
  KAFKA_SSL: z
    .enum(['true', 'false'], { message: 'must be true or false' })
    .default('false')
    .transform((value) => value === 'true')
    .describe('TLS to the brokers.'),
  KAFKA_SASL_MECHANISM: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']).optional().describe('SASL mechanism; needs the username and password.'),
  KAFKA_SASL_USERNAME: z.string().optional(),
  KAFKA_SASL_PASSWORD: z.string().optional().describe('Or KAFKA_SASL_PASSWORD_FILE.'),
  KAFKA_TOPIC_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9._-]*$/, 'may hold only letters, digits, ".", "_" and "-"')
    .default('')
    .describe('Prefix for topic names, to share a cluster.'),
};

export const clickhouseEnv = {
  CLICKHOUSE_URL: z
    .url({ protocol: /^https?$/, message: 'must be a URL such as http://localhost:8123' })
    .optional()
    .describe('ClickHouse server; unset means the embedded engine under SEAMLINE_DATA_DIR.'),
  CLICKHOUSE_DATABASE: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a plain identifier')
    .default('seamline'),
  CLICKHOUSE_USER: z.string().optional(),
  CLICKHOUSE_PASSWORD: z.string().optional(),
  SEAMLINE_DATA_DIR: z.string().default('./.seamline'),
};

export const logEnv = {
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
};

export const identityEnv = {
  SEAMLINE_MAX_IDENTIFIERS: z.coerce
    .number({ message: 'must be a number' })
    .int()
    .min(2)
    .default(JOURNEY_DEFAULTS.maxIdentifiers)
    .describe('Over-merging guard: the most identifiers one customer may have.'),
  SEAMLINE_BLOCKED_IDENTIFIERS: z
    .string()
    .default('anonymous,unknown,n/a')
    .transform((value) => value.split(',').map((v) => v.trim().toLowerCase()).filter(Boolean))
    .describe('Comma-separated identifier values that never identify anyone.'),
};

export const stitchStateEnv = {
  STITCHER_STATE_EVENTS: z.coerce
    .number({ message: 'must be a number' })
    .int('must be a whole number')
    .min(0, 'must be at least 0')
    .default(1_000_000)
    .describe('How many journey input events the stitcher holds in memory (about 0.6 KiB each); the least recently used customers go first.'),
};

export const sourcesEnv = {
  ZENDESK_GROUPS: z.string().optional().describe('File (JSON or YAML) mapping Zendesk group ids to group names.'),
  ZENDESK_USERS: z
    .string()
    .optional()
    .describe('File (JSON or YAML) mapping Zendesk user ids to { email, phone }: who a requester is when a webhook names only the id.'),
};

export const httpEnv = (defaultPort: number) => ({
  HOST: z.string().default('0.0.0.0'),
  PORT: z.coerce
    .number({ message: 'must be a number' })
    .int()
    .min(0)
    .max(65535, 'must be at most 65535')
    .default(defaultPort),
});

/**
 * Which proxies' X-Forwarded-For a service believes, for the client address its rate limit and
 * logs use: false (none: the address is the peer's), true (any), a number of hops, or a comma
 * list of proxy addresses and CIDR ranges.
 */
export const proxyEnv = {
  TRUST_PROXY: z
    .string()
    .default('false')
    .transform((value): boolean | number | string[] => {
      const text = value.trim();
      if (text === 'false' || text === '') return false;
      if (text === 'true') return true;
      if (/^\d+$/.test(text)) return Number(text);
      return text.split(',').map((part) => part.trim());
    })
    .refine((value) => !Array.isArray(value) || value.every((part) => /^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(part)), 'must be false, true, a number of hops, or a comma list of proxy addresses or CIDR ranges')
    .describe('X-Forwarded-For of which proxies to believe: false, true, a number of hops, or proxy addresses/CIDR ranges.'),
};

const duration = z.string().refine(isDuration, 'must be a duration such as 7d, 72h, 30m').transform(durationMs);

/** Whether the runtime knows `zone` as a time zone (an IANA name such as Europe/Berlin, or UTC). */
export function knownTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone.trim() !== '';
  } catch {
    return false;
  }
}

export const metricsEnv = {
  SEAMLINE_TIME_ZONE: z
    .string()
    .default('UTC')
    .refine(knownTimeZone, 'must be an IANA time zone such as Europe/Berlin or America/New_York, or UTC')
    .describe('The organisation\'s time zone: where its days and weeks start, and what a date without a time means.'),
  SEAMLINE_REPEAT_WINDOW: duration.prefault(JOURNEY_DEFAULTS.repeatWindow).describe('Repeat window W.'),
  SEAMLINE_BILLING_WINDOW: duration.prefault(JOURNEY_DEFAULTS.billingWindow).describe('Billing trigger window B.'),
  SEAMLINE_ORG_MAP: z.string().optional().describe('Org map file (YAML or JSON).'),
};

export { duration as durationSchema };

/** The windows and over-merging guard that metrics and the journey tables are computed with. */
export function journeyWindows(env: { SEAMLINE_REPEAT_WINDOW: number; SEAMLINE_BILLING_WINDOW: number; SEAMLINE_MAX_IDENTIFIERS: number }) {
  return {
    repeatWindowMs: env.SEAMLINE_REPEAT_WINDOW,
    billingWindowMs: env.SEAMLINE_BILLING_WINDOW,
    maxIdentifiers: env.SEAMLINE_MAX_IDENTIFIERS,
  };
}
