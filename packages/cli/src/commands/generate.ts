import type { Command } from 'commander';
import { writeSample } from '@seamline/generator';
import { createProgress } from '../progress.ts';
import { positiveInt } from '../options.ts';

export function registerGenerate(program: Command): void {
  program
    .command('generate')
    .description("write a fictional organisation's events (NDJSON) and its org map")
    .requiredOption('--events <n>', 'how many events', positiveInt('--events'))
    .option('--seed <s>', 'seed: the same seed gives the same events', positiveInt('--seed'), 1)
    .requiredOption('--out <dir>', 'output folder for events.ndjson and org.json')
    .option('--days <d>', 'length of the sample period in days', positiveInt('--days'), 90)
    .action(async (options: { events: number; seed: number; out: string; days: number }) => {
      const progress = createProgress('generating', 'events');
      const files = await writeSample({
        events: options.events,
        seed: options.seed,
        days: options.days,
        outDir: options.out,
        onProgress: (written) => progress.update(written, options.events),
      });
      progress.stop();
      console.log(`wrote ${files.events} events to ${files.eventsFile} and the org map to ${files.orgMapFile}`);
    });
}
