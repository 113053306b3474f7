import { Option, type Command } from 'commander';
import { ORDERS, writeSample, type Order } from '@seamline/generator';
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
    .addOption(
      new Option(
        '--order <order>',
        'time: the stream in time order, customers interleaved; customer: grouped by customer; shuffled: a backfill of one export per source, out of time order',
      )
        .choices(ORDERS)
        .default('time'),
    )
    .action(async (options: { events: number; seed: number; out: string; days: number; order: Order }) => {
      const progress = createProgress('generating', 'events');
      const files = await writeSample({
        events: options.events,
        seed: options.seed,
        days: options.days,
        order: options.order,
        outDir: options.out,
        onProgress: (written) => progress.update(written, options.events),
      });
      progress.stop();
      console.log(`wrote ${files.events} events (${options.order} order) to ${files.eventsFile} and the org map to ${files.orgMapFile}`);
    });
}
