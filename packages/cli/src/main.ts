import { Command, CommanderError } from 'commander';
import { ConfigError, SettingsFileError } from '@seamline/config';
import { registerDeadLetters } from './commands/deadletters.ts';
import { registerDemo } from './commands/demo.ts';
import { registerGenerate } from './commands/generate.ts';
import { registerImport } from './commands/import.ts';
import { registerIngest } from './commands/ingest.ts';
import { registerJourneys } from './commands/journeys.ts';
import { registerKeys } from './commands/keys.ts';
import { registerMetrics } from './commands/metrics.ts';
import { registerOps } from './commands/ops.ts';
import { registerOrg } from './commands/org.ts';

const program = new Command('seamline')
  .description('Seamline: customer journeys across silos, from ticket, call and billing events')
  .showHelpAfterError()
  .exitOverride();

registerGenerate(program);
registerIngest(program);
registerImport(program);
registerMetrics(program);
registerOrg(program);
registerDeadLetters(program);
registerJourneys(program);
registerKeys(program);
registerOps(program);
registerDemo(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode);
  // Errors a person can act on print as one message, without a stack trace.
  const known = error instanceof ConfigError || error instanceof SettingsFileError || (error instanceof Error && /^[a-z-]+( [a-z]+)?: /.test(error.message));
  process.stderr.write(`${known ? (error as Error).message : String((error as Error).stack ?? error)}\n`);
  process.exit(1);
}
