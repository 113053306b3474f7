// A child process of the growth suite: stitches an NDJSON sample on the embedded engine with the
// stitcher's batch processor (what `seamline ingest` runs) and reports, per slice of the
// stream, how fast that slice went with everything before it stored; then how long a restarted
// stitcher takes to load its state from the finished store. One JSON object on stdout.
// Usage: node --import tsx bench/throughput/growth-child.ts <events.ndjson> <dataDir> <org.json> <sliceEvents>
import { createReadStream, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { connectClickHouse, migrate } from '@seamline/clickhouse';
import { takeIn, type RawItem } from '@seamline/ingest-api';
import { loadOrgMap } from '@seamline/journeys';
import { createLogger } from '@seamline/log';
import { createBatchProcessor, createJourneyRefresher } from '@seamline/stitch';

const [file, dataDir, orgFile, sliceArg] = process.argv.slice(2);
if (!file || !dataDir || !orgFile) throw new Error('usage: growth-child.ts <events.ndjson> <dataDir> <org.json> <sliceEvents>');
const sliceEvents = Number(sliceArg ?? 1_000_000);
const BATCH = 10_000;
const logger = createLogger({ service: 'bench-growth', level: 'warn', destination: 'stderr' });
const peakRssMiB = () => Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) / 1024;

const clickhouse = await connectClickHouse({ database: 'seamline', dataDir }, logger);
await migrate(clickhouse.client);
const settings = { orgMap: () => orgMap, repeatWindowMs: 7 * 86_400_000, billingWindowMs: 72 * 3_600_000, maxIdentifiers: 50 };
const orgMap = await loadOrgMap(orgFile);
const journeys = createJourneyRefresher(clickhouse.client, settings, logger);
await journeys.ensureCurrent();
const processBatch = createBatchProcessor(clickhouse.client, logger, { journeys });

const slices: { upTo: number; seconds: number; eventsPerSecond: number; peakRssMiB: number; heldEvents: number }[] = [];
let done = 0;
let sliceStart = performance.now();
let sliceDone = 0;
let batch: RawItem[] = [];
const totals = { accepted: 0, duplicates: 0, deadLetters: 0 };
const flush = async () => {
  const intake = takeIn(batch, `file:${file}`, {});
  const outcome = await processBatch.decoded(intake.events, intake.deadLetters);
  totals.accepted += outcome.accepted;
  totals.duplicates += outcome.duplicates + intake.items.filter((i) => i.status === 'duplicate').length;
  totals.deadLetters += outcome.deadLetters;
  done += batch.length;
  sliceDone += batch.length;
  batch = [];
  if (sliceDone >= sliceEvents) {
    const seconds = (performance.now() - sliceStart) / 1000;
    slices.push({ upTo: done, seconds, eventsPerSecond: sliceDone / seconds, peakRssMiB: peakRssMiB(), heldEvents: journeys.state.stats().events });
    process.stderr.write(`[growth] ${done} events: last ${sliceDone} at ${Math.round(sliceDone / seconds)} events/s\n`);
    sliceStart = performance.now();
    sliceDone = 0;
  }
};
const started = performance.now();
for await (const line of createInterface({ input: createReadStream(file, { highWaterMark: 1 << 20 }), crlfDelay: Infinity })) {
  if (line.trim() === '') continue;
  try {
    batch.push({ value: JSON.parse(line) as unknown, text: line });
  } catch {
    batch.push({ parseError: 'not valid JSON', text: line });
  }
  if (batch.length >= BATCH) await flush();
}
if (batch.length > 0) await flush();
const totalSeconds = (performance.now() - started) / 1000;
const rss = peakRssMiB();

// A restarted stitcher: its state loaded from the store just built.
const restarted = createJourneyRefresher(clickhouse.client, settings, logger);
const loadStarted = performance.now();
await restarted.loadState();
const loadSeconds = (performance.now() - loadStarted) / 1000;
await clickhouse.close();
console.log(JSON.stringify({ events: done, totals, totalSeconds, eventsPerSecond: done / totalSeconds, peakRssMiB: rss, slices, stateLoadSeconds: loadSeconds, state: journeys.state.stats() }));
