import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import pretty from 'pino-pretty';

export type { Logger } from 'pino';

export interface LoggerSettings {
  /** Bound to every line as `service`. */
  service: string;
  level?: LoggerOptions['level'];
  /** Force pretty output on or off; by default pretty only when stdout is a TTY. */
  pretty?: boolean;
  /**
   * Where lines go instead of stdout: 'stderr' for commands whose stdout is their output, or a
   * stream (tests, files).
   */
  destination?: DestinationStream | 'stderr';
}

/** Keys whose values never reach a log line. */
const REDACTED = [
  'password',
  '*.password',
  'secret',
  '*.secret',
  'apiKey',
  '*.apiKey',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
];

/** The one logger factory: JSON lines in production, human-readable on a terminal. */
export function createLogger(settings: LoggerSettings): Logger {
  const options: LoggerOptions = {
    level: settings.level ?? 'info',
    base: { service: settings.service },
    redact: { paths: REDACTED, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  const toStderr = settings.destination === 'stderr';
  if (settings.destination && !toStderr) return pino(options, settings.destination as DestinationStream);
  const terminal = toStderr ? process.stderr : process.stdout;
  const usePretty = settings.pretty ?? Boolean(terminal.isTTY);
  // pino-pretty as a stream in this thread (no transport worker), so logging adds no threads.
  if (usePretty) return pino(options, pretty({ colorize: true, ignore: 'pid,hostname', destination: toStderr ? 2 : 1 }));
  return toStderr ? pino(options, pino.destination(2)) : pino(options);
}
