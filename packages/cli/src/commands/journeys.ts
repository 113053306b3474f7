import type { Command } from 'commander';
import { loadCliConfig } from '../env.ts';
import { openRuntime } from '../embedded/runtime.ts';

export function registerJourneys(program: Command): void {
  const journeys = program.command('journeys').description('the contacts, journeys and handoffs tables');
  journeys
    .command('rebuild')
    .description('recompute every customer with the org map and windows in force (after changing them)')
    .option('--org <file>', 'org map file (YAML or JSON); default SEAMLINE_ORG_MAP')
    .action(async (flags: { org?: string }) => {
      const runtime = await openRuntime(loadCliConfig(flags.org ? { SEAMLINE_ORG_MAP: flags.org } : {}));
      try {
        const customers = await runtime.journeys.rebuildAll();
        console.log(`rebuilt ${customers} customers with model ${runtime.journeys.version()}`);
      } finally {
        await runtime.close();
      }
    });
}
