import { Command, Option } from 'commander';
import { metricQuery } from '@seamline/metrics';
import { loadCliConfig } from '../env.ts';
import { openRuntime } from '../embedded/runtime.ts';

interface MetricFlags {
  from: string;
  to: string;
  asOf?: string;
  team?: string;
  silo?: string;
  org?: string;
  json?: boolean;
}

const KINDS = ['summary', 'teams', 'transitions'] as const;

function printReadable(kind: (typeof KINDS)[number], result: Record<string, unknown>): void {
  if (kind !== 'summary') {
    console.log(JSON.stringify(result, null, 2));
    return;
  }
  for (const [key, value] of Object.entries(result)) {
    console.log(`${key.padEnd(26)} ${typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value)}`);
  }
}

export function registerMetrics(program: Command): void {
  const metrics = program.command('metrics').description("the customer-experience metrics over a period (--json for JSON)");
  for (const kind of KINDS) {
    metrics
      .command(kind)
      .description(kind === 'summary' ? 'the headline figures' : kind === 'teams' ? 'one summary per team' : 'handoffs per silo and per team pair')
      .requiredOption('--from <iso>', 'period start (inclusive), ISO 8601')
      .requiredOption('--to <iso>', 'period end (exclusive), ISO 8601')
      .option('--as-of <iso>', 'the "now" of the computation (default: now)')
      .addOption(new Option('--team <team>', 'scope to one team').conflicts('silo'))
      .addOption(new Option('--silo <silo>', 'scope to one silo').conflicts('team'))
      .option('--org <file>', 'org map file (YAML or JSON); default SEAMLINE_ORG_MAP')
      .option('--json', 'print JSON')
      .action(async (flags: MetricFlags) => {
        const query = metricQuery.safeParse({ from: flags.from, to: flags.to, asOf: flags.asOf, team: flags.team, silo: flags.silo });
        if (!query.success) {
          const problems = query.error.issues.map((i) => `--${String(i.path[0] ?? 'query').replace('asOf', 'as-of')}: ${i.message}`);
          throw new Error(`metrics ${kind}: ${problems.join('; ')}`);
        }
        const config = loadCliConfig(flags.org ? { SEAMLINE_ORG_MAP: flags.org } : {});
        const runtime = await openRuntime(config, { quiet: true });
        try {
          const result = await runtime.metrics[kind](query.data);
          if (flags.json) console.log(JSON.stringify(result));
          else printReadable(kind, result as unknown as Record<string, unknown>);
        } finally {
          await runtime.close();
        }
      });
  }
}
