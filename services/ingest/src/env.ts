import { httpEnv, identityEnv, kafkaEnv, loadConfigOrExit, logEnv } from '@seamline/config';
import { z } from 'zod';

export const ingestEnv = z.object({
  ...kafkaEnv,
  ...logEnv,
  SEAMLINE_BLOCKED_IDENTIFIERS: identityEnv.SEAMLINE_BLOCKED_IDENTIFIERS,
  ...httpEnv(8081),
  INGEST_BODY_LIMIT_BYTES: z.coerce.number().int().positive().default(10 << 20),
  INGEST_MAX_BATCH_ITEMS: z.coerce.number().int().positive().default(10_000),
});
export type IngestConfig = z.infer<typeof ingestEnv>;

export const loadIngestConfig = () => loadConfigOrExit('ingest', ingestEnv, process.env);
