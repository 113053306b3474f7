import { readFileSync } from 'node:fs';
import type { ClickHouseClient } from '@clickhouse/client';
import { readAllEvents, type ClickHouse } from '@seamline/clickhouse';
import { openTestClickHouse } from '@seamline/clickhouse/testing';
import { generateEvents, sampleOrgMap } from '@seamline/generator';
import { testStack } from '@seamline/infra/testing';
import { buildJourneys, parseOrgMap, type JourneyModel, type OrgMap } from '@seamline/journeys';
import { TOPICS } from '@seamline/kafka';
import type { Logger } from '@seamline/log';
import { createBatchProcessor, createJourneyRefresher } from '@seamline/stitch';

// Test support: the tiny worked example (test/fixtures/tiny), alone or with a generated sample,
// stitched into a store as the stitcher does, for the route tests of the metric API.

const fixture = new URL('../../../test/fixtures/tiny/', import.meta.url);
/** A file of the tiny example. */
export const readTiny = (name: string) => readFileSync(new URL(name, fixture), 'utf8');
/** The tiny example's org map. */
export const tinyOrgMap = (): OrgMap => parseOrgMap(readTiny('org.json'), 'org.json');
export const TINY_WINDOWS = { repeatWindowMs: 7 * 86_400_000, billingWindowMs: 72 * 3_600_000, maxIdentifiers: 50 };
/** The tiny example's events, as sources sent them. */
export const tinyEvents = (): unknown[] =>
  readTiny('events.ndjson')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as unknown);
/** The sample organisation and the tiny example's two queues, side by side in one store. */
export const sampleAndTinyOrgMap = (): OrgMap => ({ queues: { ...sampleOrgMap().queues, ...(JSON.parse(readTiny('org.json')) as OrgMap).queues } });
/** After every event of the tiny example and of a generated sample. */
export const AFTER_ALL_EVENTS = '2026-12-01T00:00:00.000Z';

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
  await stitchRaw(client, orgMap, tinyEvents(), logger);
}

/**
 * A test store holding the tiny example and a generated sample, stitched under `orgMap`, and the
 * journey model of every stored event as of AFTER_ALL_EVENTS: what the stored tables should show.
 */
export async function openSampleStore(
  orgMap: OrgMap,
  sample: { events: number; seed: number },
  logger: Logger,
): Promise<{ clickhouse: ClickHouse; model: JourneyModel }> {
  const clickhouse = await openTestClickHouse(testStack().clickhouseUrl);
  try {
    await stitchRaw(clickhouse.client, orgMap, [...tinyEvents(), ...generateEvents(sample)], logger);
    const model = buildJourneys(await readAllEvents(clickhouse.client), orgMap, { asOf: new Date(AFTER_ALL_EVENTS), ...TINY_WINDOWS });
    return { clickhouse, model };
  } catch (error) {
    await clickhouse.close();
    throw error;
  }
}
