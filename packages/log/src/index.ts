import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import pretty from 'pino-pretty';

export type { Logger } from 'pino';

export interface LoggerSettings {
  /** Bound to every line as `service`. */
  service: string;
  level?: LoggerOptions['level'];
  /** Force pretty output on or off; by default pretty only when stdout is a TTY. */
  pretty?: boolean;
  /** Where lines go instead of stdout (tests, files). */
  destination?: DestinationStream;
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
  if (settings.destination) return pino(options, settings.destination);
  const usePretty = settings.pretty ?? Boolean(process.stdout.isTTY);
  // pino-pretty as a stream in this thread (no transport worker), so logging adds no threads.
  return usePretty ? pino(options, pretty({ colorize: true, ignore: 'pid,hostname' })) : pino(options);
}
