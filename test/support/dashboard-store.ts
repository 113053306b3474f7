import type { ClickHouse } from '@seamline/clickhouse';
import { openTestClickHouse } from '@seamline/clickhouse/testing';
import { generateEvents, sampleOrgMap } from '@seamline/generator';
import { testStack } from '@seamline/infra/testing';
import type { OrgMap } from '@seamline/journeys';
import { eventMessage, TOPICS, type IncomingMessage } from '@seamline/kafka';
import type { Logger } from '@seamline/log';
import { validateCanonicalEvent, type CanonicalEvent } from '@seamline/schemas';
import { createBatchProcessor, createJourneyRefresher } from '@seamline/stitch';
import { tinyEventsNdjson, tinyOrgMap } from './tiny.ts';

export const WINDOWS = { repeatWindowMs: 7 * 86_400_000, billingWindowMs: 72 * 3_600_000, maxIdentifiers: 50 };

/** The seeded data: the tiny worked example of docs/metrics.md (March 2026) and a generated sample (Jan to Mar 2026). */
export const SEEDED_PERIOD = { firstDay: '2026-01-01', lastDay: '2026-03-31', from: '2026-01-01T00:00:00.000Z', to: '2026-04-01T00:00:00.000Z' };

export interface DashboardStore {
  clickhouse: ClickHouse;
  /** The sample organisation's org map with the tiny example's queues added. */
  orgMap: OrgMap;
  close(): Promise<void>;
}

function validated(raw: unknown): CanonicalEvent {
  const result = validateCanonicalEvent(raw);
  if (!result.ok) throw new Error(`seed event rejected: ${result.rejection.reason}`);
  return result.event;
}

/**
 * A fresh store filled as the stitcher fills it: the events go through its batch processor, with
 * the journey refresher keeping contacts_v2, journeys_v2 and handoffs_v2 current.
 */
export async function seedDashboardStore(options: { events: number; seed: number; logger: Logger }): Promise<DashboardStore> {
  const orgMap: OrgMap = { queues: { ...sampleOrgMap().queues, ...tinyOrgMap().queues } };
  const clickhouse = await openTestClickHouse(testStack().clickhouseUrl);
  const journeys = createJourneyRefresher(clickhouse.client, { orgMap: () => orgMap, ...WINDOWS }, options.logger);
  await journeys.ensureCurrent();
  const processBatch = createBatchProcessor(clickhouse.client, options.logger, { journeys });
  const tiny = tinyEventsNdjson.split('\n').filter((line) => line.trim() !== '').map((line) => validated(JSON.parse(line)));
  const generated = [...generateEvents({ events: options.events, seed: options.seed })].map(validated);
  const messages: IncomingMessage[] = [...tiny, ...generated].map((event, i) => ({
    topic: TOPICS.raw,
    partition: 0,
    offset: String(i),
    key: null,
    value: Buffer.from(eventMessage(event).value),
    timestamp: '0',
  }));
  for (let start = 0; start < messages.length; start += 500) await processBatch(messages.slice(start, start + 500));
  return { clickhouse, orgMap, close: () => clickhouse.close() };
}
