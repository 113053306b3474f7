// The throughput suite: how many events per second the stitcher stores, alone and end to end
// behind HTTP ingest, held against what Kafka and ClickHouse do without it (a consumer that only
// counts, a bulk insert of the same rows), and each service's peak memory under that load. The
// services run as deployed, each in a process of its own; so do the baselines and the load.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@clickhouse/client';
import { createKafka, ensureTopics, topicNames, type Topics } from '@seamline/kafka';
import { sleep } from '../slots.ts';
import type { Figure, Suite, SuiteContext, SuiteResult } from '../suite.ts';
import type { BulkInsertConfig, BulkInsertProgress, BulkInsertReport } from '../throughput/bulk-insert.ts';
import { runChild } from '../throughput/children.ts';
import type { ConsumeOnlyConfig, ConsumeOnlyProgress, ConsumeOnlyReport } from '../throughput/consume-only.ts';
import { measureEndToEnd } from '../throughput/end-to-end.ts';
import { deleteTopics, produceSample, topicMessages } from '../throughput/kafka.ts';
import { busyCores, machineCpu } from '../throughput/machine.ts';
import { measureScaleOut, type ScaleOutResult } from '../throughput/scale-out.ts';
import { measureStitcherAlone } from '../throughput/stitcher-alone.ts';

export interface ThroughputParams {
  /** Events of the sample produced beforehand: enough for ≥ 60 s at the target rate. */
  sampleEvents: number;
  /** The stitcher-alone window ends here when it has not drained the sample by then. */
  stitcherWindowMs: number;
  bulkBatchRows: number;
  endToEnd: { seconds: number; batchSize: number; inFlight: number; drainTimeoutMs: number };
}

export const FULL: ThroughputParams = {
  sampleEvents: 3_000_000,
  stitcherWindowMs: 60_000,
  bulkBatchRows: 100_000,
  endToEnd: { seconds: 60, batchSize: 500, inFlight: 8, drainTimeoutMs: 300_000 },
};

export const QUICK: ThroughputParams = {
  sampleEvents: 200_000,
  stitcherWindowMs: 20_000,
  bulkBatchRows: 100_000,
  endToEnd: { seconds: 15, batchSize: 500, inFlight: 8, drainTimeoutMs: 120_000 },
};

/** The targets on this machine. */
export const TARGETS = {
  stitcherEventsPerSecond: 50_000,
  stitcherShareOfConsumeOnlyPercent: 50,
  /** Per service, against a ClickHouse server. */
  serviceRssMiB: 512,
};

const MiB = 2 ** 20;
const toMiB = (bytes: number | null | undefined) => (bytes === null || bytes === undefined ? null : Math.round(bytes / MiB));

export const throughputSuite: Suite = {
  name: 'throughput',
  summary:
    'events/s through the stitcher alone, two stitchers sharing one ClickHouse server, and HTTP ingest → Kafka → stitcher → ClickHouse, against consume-only and bulk-insert baselines; peak RSS per service',
  run: (context) => runThroughput(context, context.quick ? QUICK : FULL),
};

export async function runThroughput(ctx: SuiteContext, params: ThroughputParams): Promise<SuiteResult> {
  const { stack, signal, say } = ctx;
  const clickhouseUrl = stack.clickhouseUrl;
  const run = `${process.pid}_${Date.now().toString(36)}`;
  const kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: 'seamline-bench-throughput' }, ctx.logger);
  const cleanups: Array<{ what: string; run: () => Promise<unknown> }> = [];
  const tempDir = (name: string) => {
    const dir = mkdtempSync(join(tmpdir(), `seamline-bench-${name}-`));
    cleanups.push({ what: `remove ${dir}`, run: async () => rmSync(dir, { recursive: true, force: true }) });
    return dir;
  };
  const databases: string[] = [];
  const database = (name: string) => {
    const db = `seamline_bench_${run}_${name}`;
    databases.push(db);
    return db;
  };
  const freshTopics = async (name: string): Promise<{ prefix: string; topics: Topics }> => {
    const prefix = `bench-${run}-${name}.`;
    const topics = topicNames(prefix);
    cleanups.push({ what: `delete topics ${prefix}*`, run: () => deleteTopics(kafka, [topics.raw, topics.deadLetter, topics.stitched]) });
    await ensureTopics(kafka, topics);
    return { prefix, topics };
  };
  if (clickhouseUrl) {
    cleanups.push({
      what: 'drop the databases',
      run: async () => {
        const client = createClient({ url: clickhouseUrl });
        try {
          for (const db of databases) await client.command({ query: `DROP DATABASE IF EXISTS ${db}` });
        } finally {
          await client.close();
        }
      },
    });
  }
  // Set, the services write V8 CPU profiles there when they stop (for finding where time goes).
  const profileDir = process.env.SEAMLINE_BENCH_CPU_PROFILE_DIR;
  const profiling = profileDir && {
    SEAMLINE_BENCH_CPU_PROFILE_DIR: profileDir,
    NODE_OPTIONS: `--import=${new URL('../throughput/cpu-profile.mjs', import.meta.url).href}`,
  };
  const serviceEnv = (prefix: string): Record<string, string> => ({
    KAFKA_BROKERS: stack.kafkaBrokers.join(','),
    KAFKA_TOPIC_PREFIX: prefix,
    ...profiling,
  });
  const stitcherEnv = (prefix: string, groupId: string, dataDir: string, db: string): Record<string, string> => ({
    ...serviceEnv(prefix),
    STITCHER_GROUP_ID: groupId,
    SEAMLINE_DATA_DIR: dataDir,
    CLICKHOUSE_DATABASE: db,
    ...(clickhouseUrl && { CLICKHOUSE_URL: clickhouseUrl }),
  });
  const clickhouseKind = clickhouseUrl ? `server ${new URL(clickhouseUrl).origin}` : 'embedded (chDB, in each process that stores)';

  try {
    // Whatever else runs on the machine shares its cores with the services: noted, not prevented.
    const idleFrom = machineCpu();
    await sleep(2_000);
    const machineBusyCoresBeforeStart = busyCores(idleFrom, machineCpu());
    if (machineBusyCoresBeforeStart > 0.3) say(`note: ${machineBusyCoresBeforeStart} cores were busy before the suite started (other processes)`);

    // The sample, produced beforehand as ingest would have produced it.
    const sample = await freshTopics('alone');
    say(`producing ${params.sampleEvents} generated events (seed ${ctx.seed}, ${ctx.order} order) to ${sample.topics.raw}`);
    const produce = await produceSample(kafka, sample.topics.raw, { events: params.sampleEvents, seed: ctx.seed, order: ctx.order, signal, say });
    const inTopic = await topicMessages(kafka, sample.topics.raw);
    say(`produced ${produce.events} events in ${produce.seconds} s (${produce.rate}/s, generating included); ${inTopic} messages in the topic`);

    // Baseline: a consumer that does nothing with what it reads.
    say('consume-only baseline: a kafkajs consumer reading the whole topic, counting');
    let machine = machineCpu();
    const consumeOnly = await runChild<ConsumeOnlyConfig, ConsumeOnlyReport, ConsumeOnlyProgress>(
      new URL('../throughput/consume-only.ts', import.meta.url),
      { brokers: stack.kafkaBrokers, topic: sample.topics.raw, groupId: `bench-${run}-consume-only`, expected: inTopic },
      { what: 'the consume-only consumer', signal, boundMs: 900_000, onProgress: (p) => say(`consume-only: ${p.messages} of ${inTopic}`) },
    );
    const consumeOnlyMachineCores = busyCores(machine, machineCpu());
    say(`consume-only: ${consumeOnly.rate} events/s over ${(consumeOnly.windowMs / 1000).toFixed(1)} s`);

    // (b) The stitcher alone on the same topic.
    say('stitcher alone: the stitcher service consuming the topic from its start');
    const aloneGroup = `bench-${run}-stitcher-alone`;
    const alone = await measureStitcherAlone({
      kafka,
      env: stitcherEnv(sample.prefix, aloneGroup, tempDir('stitcher-alone'), database('alone')),
      rawTopic: sample.topics.raw,
      groupId: aloneGroup,
      expected: inTopic,
      maxWindowMs: params.stitcherWindowMs,
      signal,
      say,
    });
    say(`stitcher alone: ${alone.rate} events/s over ${alone.windowSeconds} s${alone.drained ? ' (drained)' : ' (window up before it drained)'}`);

    // Several stitcher processes sharing one ClickHouse server, on the same topic.
    const scaleOut = await measureScaleOut({
      kafka,
      env: serviceEnv(sample.prefix),
      rawTopic: sample.topics.raw,
      stitchedTopic: sample.topics.stitched,
      groupPrefix: `bench-${run}-scale-out`,
      database,
      clickhouseUrl,
      windowMs: params.stitcherWindowMs,
      expected: inTopic,
      signal,
      say,
    });

    // Baseline: the same rows inserted directly, in large batches.
    say(`bulk insert baseline: ${params.sampleEvents} rows into events_v1, ${params.bulkBatchRows} per insert`);
    machine = machineCpu();
    const bulk = await runChild<BulkInsertConfig, BulkInsertReport, BulkInsertProgress>(
      new URL('../throughput/bulk-insert.ts', import.meta.url),
      {
        clickhouseUrl,
        dataDir: tempDir('bulk-insert'),
        database: database('bulk'),
        events: params.sampleEvents,
        seed: ctx.seed,
        order: ctx.order,
        batchRows: params.bulkBatchRows,
      },
      { what: 'the bulk insert', signal, boundMs: 1_800_000 },
    );
    const bulkMachineCores = busyCores(machine, machineCpu());
    say(`bulk insert: ${bulk.rate} rows/s (${bulk.rows} rows in ${bulk.insertSeconds} s of inserts, ClickHouse ${bulk.clickhouse.mode} ${bulk.clickhouse.version})`);

    // (a) End to end, over HTTP.
    say('end to end: ingest and stitcher services, a load child POSTing to ingest');
    const e2e = await freshTopics('e2e');
    const e2eGroup = `bench-${run}-stitcher-e2e`;
    const e2eDataDir = tempDir('stitcher-e2e');
    const e2eDatabase = database('e2e');
    const endToEnd = await measureEndToEnd({
      kafka,
      ingestEnv: { ...serviceEnv(e2e.prefix), INGEST_RATE_LIMIT_PER_MINUTE: '0' },
      stitcherEnv: stitcherEnv(e2e.prefix, e2eGroup, e2eDataDir, e2eDatabase),
      rawTopic: e2e.topics.raw,
      groupId: e2eGroup,
      store: { clickhouseUrl, dataDir: e2eDataDir, database: e2eDatabase },
      load: { ...params.endToEnd, seed: ctx.seed, order: ctx.order },
      drainTimeoutMs: params.endToEnd.drainTimeoutMs,
      signal,
      say,
    });
    say(
      `end to end: ${endToEnd.rate} events/s over ${endToEnd.windowSeconds} s; ${endToEnd.load.eventsAccepted} accepted, ${endToEnd.storedQueried.ids} stored, ${endToEnd.lost} lost`,
    );

    const figures = [...buildFigures({ consumeOnly, alone, bulk, endToEnd, server: Boolean(clickhouseUrl), params }), ...scaleOutFigures(scaleOut)];
    return {
      figures,
      details: {
        parameters: { ...params, seed: ctx.seed, order: ctx.order },
        clickhouse: { kind: clickhouseKind, version: bulk.clickhouse.version },
        machineBusyCoresBeforeStart,
        sample: { topic: sample.topics.raw, messagesInTopic: inTopic, produce },
        consumeOnly: { ...consumeOnly, machineBusyCores: consumeOnlyMachineCores },
        stitcherAlone: alone,
        scaleOut,
        bulkInsert: { ...bulk, machineBusyCores: bulkMachineCores },
        endToEnd,
        ...(profileDir && { cpuProfiles: profileDir }),
      },
    };
  } finally {
    for (const cleanup of cleanups.reverse()) {
      await cleanup.run().catch((error: unknown) => ctx.logger.warn({ err: error }, `throughput: could not ${cleanup.what}`));
    }
  }
}

function buildFigures(m: {
  consumeOnly: ConsumeOnlyReport;
  alone: Awaited<ReturnType<typeof measureStitcherAlone>>;
  bulk: BulkInsertReport;
  endToEnd: Awaited<ReturnType<typeof measureEndToEnd>>;
  server: boolean;
  params: ThroughputParams;
}): Figure[] {
  const { consumeOnly, alone, bulk, endToEnd } = m;
  const share = consumeOnly.rate > 0 ? Math.round((alone.rate / consumeOnly.rate) * 1000) / 10 : null;
  const stitcherPeaks = [alone.peakRssBytes, endToEnd.stitcher.peakRssBytes].filter((b): b is number => b !== null);
  const stitcherPeak = stitcherPeaks.length > 0 ? Math.max(...stitcherPeaks) : null;
  const aloneWindow = alone.drained
    ? `from its first stored batch until it had handled all ${alone.storedTotal} events (${alone.windowSeconds} s)`
    : `not drained: ${alone.eventsInWindow} events stored in a ${alone.windowSeconds} s window from its first stored batch`;
  const rssTarget = m.server ? { target: { op: '<=' as const, value: TARGETS.serviceRssMiB } } : {};
  const embeddedNote = m.server
    ? ''
    : `; the stitcher runs the embedded engine (chDB) in its own process here, so the ${TARGETS.serviceRssMiB} MiB target (against a ClickHouse server) does not apply`;
  return [
    {
      name: 'stitcher throughput',
      value: alone.rate,
      unit: 'events/s',
      target: { op: '>=', value: TARGETS.stitcherEventsPerSecond },
      baseline: { name: 'consume only', value: consumeOnly.rate },
      note: `the stitcher service alone on a topic filled beforehand, ${aloneWindow}; its /metrics counters; bulk insert of the same rows: ${bulk.rate}/s`,
    },
    {
      name: 'stitcher / consume-only',
      value: share,
      unit: '%',
      target: { op: '>=', value: TARGETS.stitcherShareOfConsumeOnlyPercent },
      note: 'stitcher throughput over the consume-only baseline on the same topic',
    },
    {
      name: 'consume-only baseline',
      value: consumeOnly.rate,
      unit: 'events/s',
      note: `the stitcher's consumer loop (kafkajs) with a handler that only counts, ${consumeOnly.messages} messages over ${(consumeOnly.windowMs / 1000).toFixed(1)} s`,
    },
    {
      name: 'bulk insert baseline',
      value: bulk.rate,
      unit: 'events/s',
      note: `the same rows straight into events_v1 (ClickHouse ${bulk.clickhouse.mode}), ${bulk.batchRows} per insert: ${bulk.rows} rows over ${bulk.insertSeconds} s inside insert calls`,
    },
    {
      name: 'end-to-end throughput',
      value: endToEnd.rate,
      unit: 'events/s',
      baseline: { name: 'stitcher alone', value: alone.rate },
      note: `HTTP ingest → Kafka → stitcher → ClickHouse, services in processes of their own: events acknowledged and stored over ${endToEnd.windowSeconds} s from the first POST until stored${endToEnd.drained ? '' : ' (the stitcher had not drained when the wait ran out)'}; ingest accepted ${endToEnd.load.acceptedRate}/s over ${m.params.endToEnd.seconds} s`,
    },
    {
      name: 'end-to-end events lost',
      value: endToEnd.lost,
      unit: 'events',
      target: { op: '<=', value: 0 },
      note: `acknowledged by ingest (${endToEnd.load.eventsAccepted}) but not found by a query of events_v1 afterwards (${endToEnd.storedQueried.ids} distinct ids)`,
    },
    {
      name: 'ingest peak RSS',
      value: toMiB(endToEnd.ingest.peakRssBytes),
      unit: 'MiB',
      target: { op: '<=', value: TARGETS.serviceRssMiB },
      note: 'VmHWM of the ingest process under the end-to-end load',
    },
    {
      name: 'stitcher peak RSS',
      value: toMiB(stitcherPeak),
      unit: 'MiB',
      ...rssTarget,
      note: `VmHWM of the stitcher process, the higher of stitcher alone (${toMiB(alone.peakRssBytes)} MiB) and end to end (${toMiB(endToEnd.stitcher.peakRssBytes)} MiB)${embeddedNote}`,
    },
  ];
}

function scaleOutFigures(scaleOut: ScaleOutResult): Figure[] {
  const [one, two] = scaleOut.runs;
  if (!one || !two) return [];
  const where = `ClickHouse: ${scaleOut.clickhouse}`;
  return [
    {
      name: 'two stitchers, stored',
      value: two.storedPerSecond,
      unit: 'events/s',
      baseline: { name: 'one stitcher, same server', value: one.storedPerSecond },
      note: `two stitcher processes with STITCHER_LINKING=topic on the same topic, both stores together over ${two.windowSeconds} s (one stitcher linking inline: ${one.windowSeconds} s); ${where}; peak RSS ${two.peakRssMiB.join(' and ')} MiB, ${two.machineBusyCores} cores busy`,
    },
    {
      name: 'two stitchers, linked',
      value: two.linkedPerSecond,
      unit: 'events/s',
      baseline: { name: 'one stitcher, same server', value: one.linkedPerSecond },
      note: 'events the one linker (a member of the linker group on the stitched topic) linked into customers and journeys, from its committed offsets',
    },
  ];
}
