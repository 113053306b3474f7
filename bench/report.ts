import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, platform, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { meets, type Figure, type SuiteResult } from './suite.ts';

const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url));
const RESULTS_DIR = join(BENCH_DIR, 'results');
const README = join(BENCH_DIR, 'README.md');

export interface Machine {
  cpuModel: string;
  cpuCount: number;
  totalMemoryBytes: number;
  os: string;
  node: string;
}

export function machine(): Machine {
  const cores = cpus();
  return {
    cpuModel: cores[0]?.model.trim() ?? 'unknown',
    cpuCount: cores.length,
    totalMemoryBytes: totalmem(),
    os: `${platform()} ${release()}`,
    node: process.version,
  };
}

export interface RunRecord {
  startedAt: string;
  finishedAt: string;
  command: string;
  quick: boolean;
  seed: number;
  machine: Machine;
  stack: { kind: string; description: string; kafkaVersion: string; clickhouse: string };
  /** Each suite run, in order; a suite that failed has its error instead of figures. */
  suites: Array<{ name: string; durationS: number } & (SuiteResult | { error: string })>;
}

/** bench/results/<ISO date-time>.json; ':' becomes '-' so the name is valid on every file system. */
export function writeRecord(record: RunRecord): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `${record.startedAt.replace(/\.\d{3}Z$/, 'Z').replace(/:/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
  return file;
}

export function formatValue(figure: Pick<Figure, 'value' | 'unit'>): string {
  if (figure.value === null) return 'not measured';
  const rounded = Math.abs(figure.value) >= 100 ? Math.round(figure.value) : Math.round(figure.value * 10) / 10;
  return `${rounded.toLocaleString('en-US')} ${figure.unit}`;
}

function verdict(figure: Figure): string {
  const met = meets(figure);
  if (met === undefined) return '';
  return met ? 'met' : '**not met**';
}

/** The run as Markdown: a heading with machine and command, then every figure with target and baseline. */
export function runMarkdown(record: RunRecord, resultsFile: string): string {
  const m = record.machine;
  const lines = [
    '',
    `### ${record.startedAt.slice(0, 16).replace('T', ' ')} UTC${record.quick ? ' (quick)' : ''}`,
    '',
    `\`${record.command}\` on ${m.cpuCount}× ${m.cpuModel}, ${Math.round(m.totalMemoryBytes / 2 ** 30)} GiB, Node ${m.node}, ` +
      `${record.stack.kind} Kafka ${record.stack.kafkaVersion}, ClickHouse ${record.stack.clickhouse}; seed ${record.seed}; ` +
      `results in \`bench/results/${resultsFile}\`.`,
    '',
    '| suite | figure | value | target | baseline | verdict | note |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  for (const suite of record.suites) {
    if ('error' in suite) {
      lines.push(`| ${suite.name} | (failed) | | | | **failed** | ${cell(suite.error.split('\n')[0] ?? '')} |`);
      continue;
    }
    for (const figure of suite.figures) {
      const target = figure.target ? `${figure.target.op} ${formatValue({ value: figure.target.value, unit: figure.unit })}` : '';
      const baseline = figure.baseline ? `${figure.baseline.name}: ${formatValue({ value: figure.baseline.value, unit: figure.unit })}` : '';
      lines.push(`| ${suite.name} | ${cell(figure.name)} | ${formatValue(figure)} | ${target} | ${cell(baseline)} | ${verdict(figure)} | ${cell(figure.note ?? '')} |`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Adds the run's section at the end of bench/README.md. */
export function appendRun(record: RunRecord, resultsFile: string): void {
  appendFileSync(README, runMarkdown(record, resultsFile));
}
