import { readFileSync } from 'node:fs';
import type { ClickHouseClient } from '@clickhouse/client';
import { parseOrgMap, type OrgMap } from '@seamline/journeys';
import { TOPICS } from '@seamline/kafka';
import type { Logger } from '@seamline/log';
import { createBatchProcessor, createJourneyRefresher } from '@seamline/stitch';

// Test support: the tiny worked example (test/fixtures/tiny) stitched into a store as the
// stitcher does, for the route tests of the metric API.

const fixture = new URL('../../../test/fixtures/tiny/', import.meta.url);
/** A file of the tiny example. */
export const readTiny = (name: string) => readFileSync(new URL(name, fixture), 'utf8');
/** The tiny example's org map. */
export const tinyOrgMap = (): OrgMap => parseOrgMap(readTiny('org.json'), 'org.json');
export const TINY_WINDOWS = { repeatWindowMs: 7 * 86_400_000, billingWindowMs: 72 * 3_600_000, maxIdentifiers: 50 };

/** Stores raw events and their journeys as the stitcher does: its batch processor, in batches of 500. */
export async function stitchRaw(client: ClickHouseClient, orgMap: OrgMap, raws: readonly unknown[], logger: Logger): Promise<void> {
  const journeys = createJourneyRefresher(client, { orgMap: () => orgMap, ...TINY_WINDOWS }, logger);
  await journeys.ensureCurrent();
  const processBatch = createBatchProcessor(client, logger, { journeys });
  const messages = raws.map((raw, i) => ({ topic: TOPICS.raw, partition: 0, offset: String(i), key: null, value: Buffer.from(JSON.stringify(raw)), timestamp: '0' }));
  for (let start = 0; start < messages.length; start += 500) await processBatch(messages.slice(start, start + 500));
}

/** Stores the tiny example's events and their journeys, through the stitcher's batch processor. */
export async function stitchTiny(client: ClickHouseClient, orgMap: OrgMap, logger: Logger): Promise<void> {
  const lines = readTiny('events.ndjson').split('\n').filter((line) => line.trim() !== '');
  await stitchRaw(client, orgMap, lines.map((line) => JSON.parse(line) as unknown), logger);
}
