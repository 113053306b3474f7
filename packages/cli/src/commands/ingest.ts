import type { Command } from 'commander';
import { loadCliConfig } from '../env.ts';
import { openIngestTarget } from '../embedded/ingest-target.ts';
import { ingestNdjsonFile, ndjsonFileProblem, type IngestCounts } from '../ingest-file.ts';
import { createProgress } from '../progress.ts';

/** Ingests a file through the same validation and processing as the services; returns the counts of accepted, duplicate and dead-lettered events. */
export async function ingestFile(file: string, options: { quiet: boolean; progress: boolean }): Promise<IngestCounts> {
  const problem = ndjsonFileProblem(file);
  if (problem) throw new Error(`ingest: ${file}: ${problem}`);
  const target = await openIngestTarget(loadCliConfig(), options.quiet);
  try {
    const progress = options.progress ? createProgress('ingesting', 'bytes') : undefined;
    const { batchDuplicates } = await ingestNdjsonFile(file, target.publisher, target.blockedIdentifiers, (done, total) =>
      progress?.update(done, total),
    );
    progress?.stop();
    const { totals } = target;
    return { accepted: totals.accepted, duplicates: totals.duplicates + batchDuplicates, deadLetters: totals.deadLetters };
  } finally {
    await target.close();
  }
}

export function registerIngest(program: Command): void {
  program
    .command('ingest')
    .description('ingest canonical events, one JSON object per line, into the configured store')
    .argument('<file>', 'NDJSON file of canonical events')
    .option('--json', 'print {"accepted", "duplicates", "deadLetters"} as JSON')
    .action(async (file: string, options: { json?: boolean }) => {
      const counts = await ingestFile(file, { quiet: Boolean(options.json), progress: !options.json });
      if (options.json) {
        console.log(JSON.stringify(counts));
      } else {
        console.log(`accepted ${counts.accepted}, duplicates ${counts.duplicates}, dead letters ${counts.deadLetters}`);
      }
    });
}
