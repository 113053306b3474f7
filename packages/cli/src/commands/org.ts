import type { Command } from 'commander';
import { unmappedQueues } from '@seamline/metrics';
import { loadCliConfig } from '../env.ts';
import { openRuntime } from '../embedded/runtime.ts';

export function registerOrg(program: Command): void {
  const org = program.command('org').description('the org map: queues to teams and silos');
  org
    .command('unmapped')
    .description('queues seen in events that the org map does not know, with counts')
    .option('--org <file>', 'org map file (YAML or JSON); default SEAMLINE_ORG_MAP')
    .option('--json', 'print JSON')
    .action(async (flags: { org?: string; json?: boolean }) => {
      const runtime = await openRuntime(loadCliConfig(flags.org ? { SEAMLINE_ORG_MAP: flags.org } : {}), { quiet: true });
      try {
        const result = await unmappedQueues(runtime.clickhouse.client, runtime.orgMap);
        if (flags.json) console.log(JSON.stringify(result));
        else if (result.queues.length === 0) console.log('every queue seen is in the org map');
        else for (const q of result.queues) console.log(`${String(q.events).padStart(9)}  ${q.queue}  (last seen ${q.lastSeen})`);
      } finally {
        await runtime.close();
      }
    });
}
