import { clickhouseEnv, httpEnv, identityEnv, kafkaEnv, loadConfig, logEnv, proxyEnv, sourcesEnv } from '@seamline/config';
import { z } from 'zod';

export const ingestEnv = z.object({
  ...kafkaEnv,
  ...clickhouseEnv,
  INGEST_AUTH: z
    .enum(['required', 'off'])
    .default('required')
    .describe('required: POST /v1/events needs a write key naming the sources of its events (`seamline keys create --write`); off: anyone may send (tests only)'),
  ...logEnv,
  SEAMLINE_BLOCKED_IDENTIFIERS: identityEnv.SEAMLINE_BLOCKED_IDENTIFIERS,
  ...httpEnv(8081),
  ...proxyEnv,
  INGEST_UNAUTHENTICATED_DEAD_LETTERS_PER_HOUR: z.coerce
    .number()
    .int()
    .min(0)
    .default(100)
    .describe('Refused webhook posts (bad signature, unknown source) kept as dead letters per source and hour; beyond it they are only counted.'),
  INGEST_BODY_LIMIT_BYTES: z.coerce.number().int().positive().default(10 << 20),
  INGEST_MAX_BATCH_ITEMS: z.coerce.number().int().positive().default(10_000),
  INGEST_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(6_000).describe('Per client address; 0 turns it off.'),
  INGEST_MAX_IN_FLIGHT_EVENTS: z.coerce
    .number()
    .int()
    .positive()
    .default(50_000)
    .describe('Events being published to Kafka at once; a request that would go over gets 503 with Retry-After.'),
  INGEST_PUBLISH_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .positive()
    .default(10_000)
    .describe('A request whose events Kafka has not acknowledged by then gets 503 with Retry-After.'),
  ...sourcesEnv,
  ZENDESK_WEBHOOK_SECRET: z.string().optional().describe('Enables /v1/sources/zendesk: the webhook signing secret.'),
  CONNECT_TOKEN: z.string().min(16, 'must be at least 16 characters').optional().describe('Enables /v1/sources/connect: the bearer token.'),
  STRIPE_WEBHOOK_SECRET: z.string().optional().describe('Enables /v1/sources/stripe: the endpoint secret (whsec_...).'),
});
export type IngestConfig = z.infer<typeof ingestEnv>;

export const loadIngestConfig = () => loadConfig('ingest', ingestEnv, process.env);
