import { createReadStream } from 'node:fs';
import { inputFileProblem, readSettingsFile, SettingsFileError } from '@seamline/config';
import { Command, Option } from 'commander';
import type { EventPublisher } from '@seamline/ingest-api';
import { makeDeadLetter, validateCanonicalEvent, type CanonicalEvent, type DeadLetter } from '@seamline/schemas';
import { CSV_SOURCE, csvRowsToEventsStream, parseCsvMapping, type CsvMapping } from '@seamline/sources';
import { loadCliConfig } from '../env.ts';
import { openIngestTarget } from '../embedded/ingest-target.ts';
import type { IngestCounts } from '../ingest-file.ts';

const BATCH_ROWS = 5_000;

/** Reads a CSV mapping file, naming the file in any error. */
export function loadCsvMapping(file: string): CsvMapping {
  let text: string;
  try {
    text = readSettingsFile(file);
  } catch (error) {
    throw new Error(`import: mapping file ${error instanceof SettingsFileError ? error.message : String(error)}`);
  }
  return parseCsvMapping(text, file);
}

/**
 * Streams a CSV file through the mapping: each row becomes one canonical event or one dead
 * letter (kept as the row's cells, so a replay with a fixed mapping can take it).
 */
export async function importCsv(file: string, mapping: CsvMapping, publisher: EventPublisher, blocked: readonly string[]): Promise<number> {
  let events: CanonicalEvent[] = [];
  let letters: DeadLetter[] = [];
  let batchDuplicates = 0;
  const seen = new Set<string>();
  const flush = async () => {
    await publisher.publish(events, letters);
    events = [];
    letters = [];
    seen.clear();
  };
  for await (const entry of csvRowsToEventsStream(createReadStream(file), mapping)) {
    const payload = entry.record ? JSON.stringify(entry.record) : entry.raw;
    const reject = (reason: string, path: string) => letters.push(makeDeadLetter(CSV_SOURCE, payload, `line ${entry.line}: ${reason}`, path));
    if (!entry.translation.ok) reject(entry.translation.reason, entry.translation.path);
    for (const input of entry.translation.ok ? entry.translation.events : []) {
      const validation = validateCanonicalEvent(input, { blockedIdentifiers: blocked });
      if (!validation.ok) reject(validation.rejection.reason, validation.rejection.path);
      else if (seen.has(validation.event.id)) batchDuplicates += 1;
      else {
        seen.add(validation.event.id);
        events.push(validation.event);
      }
    }
    if (events.length + letters.length >= BATCH_ROWS) await flush();
  }
  await flush();
  return batchDuplicates;
}

export function registerImport(program: Command): void {
  program
    .command('import')
    .description('bulk-import a file from another system through a column mapping')
    .argument('<file>', 'the file to import')
    .addOption(new Option('--format <format>', 'file format').choices(['csv']).makeOptionMandatory())
    .requiredOption('--mapping <file>', 'mapping of columns to canonical fields (JSON or YAML)')
    .option('--json', 'print {"accepted", "duplicates", "deadLetters"} as JSON')
    .action(async (file: string, flags: { mapping: string; json?: boolean }) => {
      const problem = inputFileProblem(file);
      if (problem) throw new Error(`import: ${file}: ${problem}`);
      const mapping = loadCsvMapping(flags.mapping);
      const target = await openIngestTarget(loadCliConfig(), Boolean(flags.json));
      try {
        const batchDuplicates = await importCsv(file, mapping, target.publisher, target.blockedIdentifiers);
        const counts: IngestCounts = {
          accepted: target.totals.accepted,
          duplicates: target.totals.duplicates + batchDuplicates,
          deadLetters: target.totals.deadLetters,
        };
        if (flags.json) console.log(JSON.stringify(counts));
        else console.log(`accepted ${counts.accepted}, duplicates ${counts.duplicates}, dead letters ${counts.deadLetters} (into ${target.description})`);
      } finally {
        await target.close();
      }
    });
}
