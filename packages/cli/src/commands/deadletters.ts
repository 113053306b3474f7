import type { Command } from 'commander';
import { countDeadLettersByReason, listDeadLetters, markDeadLettersReplayed, storeDeadLetters } from '@seamline/clickhouse';
import { loadZendeskGroups, loadZendeskUsers, planReplay, sourceTranslators, type Translate } from '@seamline/ingest-api';
import { csvAdapter, CSV_SOURCE } from '@seamline/sources';
import { loadCsvMapping } from './import.ts';
import { loadCliConfig } from '../env.ts';
import { openRuntime, type Runtime } from '../embedded/runtime.ts';

interface Filter {
  reason?: string;
  source?: string;
  /** CSV mapping for letters of `seamline import` (the fixed one, when the mapping was the cause). */
  mapping?: string;
}

export interface ReplayResult {
  /** Letters that passed and were ingested (their events stored once). */
  replayed: number;
  /** Events those letters described that were new to the store. */
  accepted: number;
  duplicates: number;
  /** Letters that still fail; they stay, with their new reason. */
  stillFailing: number;
}

/** Replays pending dead letters through the same intake and processing as new input. */
export async function replayDeadLetters(runtime: Runtime, filter: Filter): Promise<ReplayResult> {
  await runtime.journeys.ensureCurrent();
  const letters = (await listDeadLetters(runtime.clickhouse.client, filter)).filter(
    // Without a mapping, CSV rows cannot be read again: they wait for a replay that names one.
    (letter) => letter.source !== CSV_SOURCE || filter.mapping !== undefined,
  );
  const config = loadCliConfig();
  const translators = new Map<string, Translate>(sourceTranslators({ zendeskGroups: await loadZendeskGroups(config.ZENDESK_GROUPS), zendeskUsers: await loadZendeskUsers(config.ZENDESK_USERS) }));
  if (filter.mapping) {
    const mapping = loadCsvMapping(filter.mapping);
    translators.set(CSV_SOURCE, (payload) => csvAdapter.translate(payload, mapping));
  }
  const plan = planReplay(letters, translators, runtime.blockedIdentifiers);
  const before = { ...runtime.transport.totals };
  const events = plan.passing.flatMap((p) => p.events);
  // Events first: a letter is marked replayed only once its events are stored.
  if (events.length > 0) await runtime.transport.publisher.publish(events, []);
  await markDeadLettersReplayed(runtime.clickhouse.client, plan.passing.map((p) => p.letter));
  await storeDeadLetters(runtime.clickhouse.client, plan.failing);
  return {
    replayed: plan.passing.length,
    accepted: runtime.transport.totals.accepted - before.accepted,
    duplicates: runtime.transport.totals.duplicates - before.duplicates,
    stillFailing: plan.failing.length,
  };
}

export function registerDeadLetters(program: Command): void {
  const deadletters = program.command('deadletters').description('input that could not be accepted, kept with why');
  deadletters
    .command('list')
    .description('dead letters waiting for a fix, oldest first')
    .option('--reason <reason>', 'only this reason (or reasons starting with "<reason>:")')
    .option('--source <source>', 'only from this source')
    .option('--all', 'include letters a replay already ingested')
    .option('--limit <n>', 'at most this many', (v) => Number(v), 1000)
    .option('--json', 'print JSON lines')
    .action(async (flags: Filter & { all?: boolean; limit: number; json?: boolean }) => {
      const runtime = await openRuntime(loadCliConfig(), { quiet: true });
      try {
        const letters = await listDeadLetters(runtime.clickhouse.client, { ...flags, includeReplayed: Boolean(flags.all) });
        for (const letter of letters) {
          if (flags.json) console.log(JSON.stringify(letter));
          else console.log(`${letter.receivedAt}  ${letter.source}  ${letter.replayed ? '[replayed] ' : ''}${letter.reason}`);
        }
        if (!flags.json) console.error(`${letters.length} dead letter(s)`);
      } finally {
        await runtime.close();
      }
    });
  deadletters
    .command('count')
    .description('dead letters waiting for a fix, counted by reason')
    .option('--json', 'print JSON')
    .action(async (flags: { json?: boolean }) => {
      const runtime = await openRuntime(loadCliConfig(), { quiet: true });
      try {
        const counts = await countDeadLettersByReason(runtime.clickhouse.client);
        if (flags.json) console.log(JSON.stringify(counts));
        else for (const [reason, n] of Object.entries(counts)) console.log(`${String(n).padStart(9)}  ${reason}`);
      } finally {
        await runtime.close();
      }
    });
  deadletters
    .command('replay')
    .description('ingest the letters that pass now; the others stay, with their new reason')
    .option('--reason <reason>', 'only this reason (or reasons starting with "<reason>:")')
    .option('--source <source>', 'only from this source')
    .option('--mapping <file>', 'CSV mapping to read letters of `seamline import` with')
    .option('--json', 'print JSON')
    .action(async (flags: Filter & { json?: boolean }) => {
      const runtime = await openRuntime(loadCliConfig(), { quiet: true });
      try {
        const result = await replayDeadLetters(runtime, flags);
        if (flags.json) console.log(JSON.stringify(result));
        else console.log(`replayed ${result.replayed} (${result.accepted} new events, ${result.duplicates} duplicates); still failing ${result.stillFailing}`);
      } finally {
        await runtime.close();
      }
    });
}
