import { Command, Option } from 'commander';
import { metricQueryIn } from '@seamline/metrics';
import { loadCliConfig } from '../env.ts';
import { openRuntime } from '../embedded/runtime.ts';
import { summaryTable, teamsTable, transitionsTable } from '../tables.ts';
import type { Summary, Teams, Transitions } from '@seamline/journeys';

interface MetricFlags {
  from: string;
  to: string;
  asOf?: string;
  tz?: string;
  team?: string;
  silo?: string;
  org?: string;
  json?: boolean;
}

const KINDS = ['summary', 'teams', 'transitions'] as const;

function printReadable(result: Summary | Teams | Transitions): void {
  if ('teams' in result && 'silos' in result) console.log(transitionsTable(result));
  else if ('teams' in result) console.log(teamsTable(result));
  else console.log(summaryTable(result));
}

export function registerMetrics(program: Command): void {
  const metrics = program.command('metrics').description('the customer-experience metrics over a period, as tables (--json for JSON)');
  for (const kind of KINDS) {
    metrics
      .command(kind)
      .description(kind === 'summary' ? 'the headline figures' : kind === 'teams' ? 'one summary per team' : 'handoffs per silo and per team pair')
      .requiredOption('--from <iso>', 'period start (inclusive), ISO 8601, or a date: local midnight in --tz')
      .requiredOption('--to <iso>', 'period end (exclusive), ISO 8601, or a date: local midnight in --tz')
      .option('--as-of <iso>', 'the "now" of the computation (default: now)')
      .option('--tz <zone>', 'IANA time zone of dates without a time (default SEAMLINE_TIME_ZONE, else UTC)')
      .addOption(new Option('--team <team>', 'scope to one team').conflicts('silo'))
      .addOption(new Option('--silo <silo>', 'scope to one silo').conflicts('team'))
      .option('--org <file>', 'org map file (YAML or JSON); default SEAMLINE_ORG_MAP')
      .option('--json', 'print JSON')
      .action(async (flags: MetricFlags) => {
        const config = loadCliConfig(flags.org ? { SEAMLINE_ORG_MAP: flags.org } : {});
        const query = metricQueryIn(config.SEAMLINE_TIME_ZONE).safeParse({ from: flags.from, to: flags.to, asOf: flags.asOf, tz: flags.tz, team: flags.team, silo: flags.silo });
        if (!query.success) {
          const problems = query.error.issues.map((i) => `--${String(i.path[0] ?? 'query').replace('asOf', 'as-of')}: ${i.message}`);
          throw new Error(`metrics ${kind}: ${problems.join('; ')}`);
        }
        const runtime = await openRuntime(config, { quiet: true });
        try {
          const result = await runtime.metrics[kind](query.data);
          if (flags.json) console.log(JSON.stringify(result));
          else printReadable(result);
        } finally {
          await runtime.close();
        }
      });
  }
}
