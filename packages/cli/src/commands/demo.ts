import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_DAYS, DEFAULT_START, writeSample } from '@seamline/generator';
import { buildIngestApp } from '@seamline/ingest-api';
import type { Summary } from '@seamline/journeys';
import { buildMetricsApp, dashboardUrl } from '@seamline/api';
import { ANY_SOURCE, createApiKey, verifyApiKey } from '@seamline/clickhouse';
import { loadCliConfig } from '../env.ts';
import { openRuntime } from '../embedded/runtime.ts';
import { ingestNdjsonFile } from '../ingest-file.ts';
import { positiveInt } from '../options.ts';
import { createProgress } from '../progress.ts';

interface DemoFlags {
  events: number;
  seed: number;
  serve: boolean;
  port: number;
  ingestPort: number;
}

const percent = (rate: number | null) => (rate === null ? 'n/a' : `${(rate * 100).toFixed(1)}%`);

function printHeadline(summary: Summary): void {
  const lines = [
    ['contacts', `${summary.contacts}`],
    ['repeat contacts', `${summary.repeatContacts} (${percent(summary.repeatRate)})`],
    ['first-contact resolution', `${summary.fcrContacts} of ${summary.matureContacts} mature (${percent(summary.fcrRate)})`],
    ['journeys', `${summary.journeys}, ${summary.contactsPerJourney ?? 'n/a'} contacts each on average`],
    ['cross-silo journeys', `${summary.crossSiloJourneys} (${percent(summary.crossSiloJourneyRate)})`],
    ['billing-triggered journeys', `${summary.billingTriggeredJourneys} (${percent(summary.billingTriggeredRate)})`],
    ['transfers', `${summary.transfers}, ${summary.crossSiloTransfers} across silos`],
    ['bounces', `${summary.bounces}, ${summary.crossSiloBounces} across silos`],
  ];
  console.log(`\nSeamline: ${summary.from.slice(0, 10)} to ${summary.to.slice(0, 10)}`);
  for (const [label, value] of lines) console.log(`  ${label!.padEnd(28)} ${value}`);
}

/** The main job on the embedded default: generate, ingest, print the figures, serve the API. */
async function runDemo(flags: DemoFlags): Promise<void> {
  const base = loadCliConfig();
  const dir = resolve(base.SEAMLINE_DATA_DIR, 'demo');
  rmSync(dir, { recursive: true, force: true }); // each demo starts from a clean store
  const generating = createProgress('generating sample', 'events');
  const sample = await writeSample({
    events: flags.events,
    seed: flags.seed,
    outDir: join(dir, 'sample'),
    onProgress: (n) => generating.update(n, flags.events),
  });
  generating.stop();
  const config = loadCliConfig({ SEAMLINE_DATA_DIR: dir, SEAMLINE_ORG_MAP: sample.orgMapFile });
  const runtime = await openRuntime(config, { quiet: true });
  await runtime.journeys.ensureCurrent();
  const ingesting = createProgress('ingesting', 'bytes');
  const { batchDuplicates } = await ingestNdjsonFile(sample.eventsFile, runtime.transport.publisher, runtime.blockedIdentifiers, (d, t) =>
    ingesting.update(d, t),
  );
  ingesting.stop();
  const { totals } = runtime.transport;
  console.log(
    `ingested ${sample.eventsFile}: accepted ${totals.accepted}, duplicates ${totals.duplicates + batchDuplicates}, dead letters ${totals.deadLetters}`,
  );
  const from = new Date(DEFAULT_START);
  const to = new Date(from.getTime() + DEFAULT_DAYS * 86_400_000);
  const query = { from: from.toISOString(), to: to.toISOString(), asOf: to.toISOString() };
  printHeadline(await runtime.metrics.summary(query));

  if (!flags.serve) {
    await runtime.close();
    return;
  }
  const metricsApp = await buildMetricsApp({
    clickhouse: runtime.clickhouse.client,
    metrics: runtime.metrics,
    orgMap: () => runtime.orgMap,
    logger: runtime.logger,
    auth: 'required',
  });
  // An admin key for the person running the demo, shown once, as `seamline keys create` would.
  const { key } = await createApiKey(runtime.clickhouse.client, { teams: [], admin: true, pii: true, name: 'demo' });
  // And a write key for sending events, of any source, as `seamline keys create --write` would.
  const { key: writeKey } = await createApiKey(runtime.clickhouse.client, { kind: 'write', sources: [ANY_SOURCE], teams: [], admin: false, pii: false, name: 'demo ingest' });
  const ingestApp = await buildIngestApp({
    writeKeys: { verify: (presented) => verifyApiKey(runtime.clickhouse.client, presented) },
    publisher: runtime.transport.publisher,
    logger: runtime.logger,
  });
  await metricsApp.listen({ host: '127.0.0.1', port: flags.port });
  await ingestApp.listen({ host: '127.0.0.1', port: flags.ingestPort });
  const params = new URLSearchParams(query).toString();
  // The dashboard opens on the sample's period and its busiest team, so it shows figures at once.
  const busiest = (await runtime.metrics.teams(query)).teams.filter((row) => !row.team.includes(':')).sort((a, b) => b.contacts - a.contacts)[0];
  const view = { ...(busiest && { team: busiest.team }), firstDay: query.from.slice(0, 10), lastDay: new Date(to.getTime() - 86_400_000).toISOString().slice(0, 10) };
  console.log(`\ndashboard:   ${dashboardUrl(`http://127.0.0.1:${flags.port}`, view)}  (sign in with the key below)`);
  console.log(`API key:     ${key}  (admin, this demo only)`);
  console.log(`metric API:  curl -H 'Authorization: Bearer ${key}' 'http://127.0.0.1:${flags.port}/v1/metrics/summary?${params}'`);
  console.log(`API docs:    http://127.0.0.1:${flags.port}/docs`);
  console.log(`ingest key:  ${writeKey}  (write, any source, this demo only)`);
  console.log(`ingest API:  curl -H 'Authorization: Bearer ${writeKey}' -H 'content-type: application/json' --data @events.json http://127.0.0.1:${flags.ingestPort}/v1/events`);
  console.log('serving until interrupted (Ctrl-C)');
  await new Promise<void>((done) => {
    process.once('SIGINT', () => done());
    process.once('SIGTERM', () => done());
  });
  await Promise.all([metricsApp.close(), ingestApp.close()]);
  await runtime.close();
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('generate a sample organisation, ingest it on the embedded engine, print the figures and serve the APIs')
    .option('--events <n>', 'sample size in events', positiveInt('--events'), 20_000)
    .option('--seed <s>', 'sample seed', positiveInt('--seed'), 42)
    .option('--no-serve', 'exit after printing the figures')
    .option('--port <port>', 'metric API port', positiveInt('--port'), 8080)
    .option('--ingest-port <port>', 'ingest API port', positiveInt('--ingest-port'), 8081)
    .action(runDemo);
}
