import type { FastifyInstance } from 'fastify';
import { ConfigError } from '@seamline/config';
import { createLogger, type Logger } from '@seamline/log';

/** The variables every service reads: where to listen and how much to log. */
export interface ServiceSettings {
  HOST: string;
  PORT: number;
  LOG_LEVEL?: string | undefined;
}

/** A part that stops before the app closes: a consumer finishing its batch, a scheduler its run. */
export interface StopStep {
  name: string;
  stop: () => Promise<void> | void;
}

/** Re-reads something on SIGHUP; a failure is logged and what is in force stays. */
export interface ReloadHook {
  name: string;
  reload: () => Promise<unknown>;
}

/** What a service's start gives back: its app (clients close in its onClose) and its parts. */
export interface StartedService {
  app: FastifyInstance;
  /** Stopped in this order on SIGTERM/SIGINT, before app.close(). */
  stopFirst?: readonly StopStep[];
  /** Run on SIGHUP; without any, SIGHUP keeps its default (the process ends). */
  reload?: readonly ReloadHook[];
  /** What the 'stopping' log line says is being finished ("stopping: finishing the batch ..."). */
  stopping?: string;
  /** Called once the app listens (a log line saying what the service now does). */
  listening?: () => void;
}

/** The part of `process` a service uses; tests pass a fake one. */
export interface ServiceProcess {
  once(signal: 'SIGTERM' | 'SIGINT', listener: () => void): unknown;
  on(signal: 'SIGHUP', listener: () => void): unknown;
  exit(code: number): void;
  stderr: { write(text: string): unknown };
}

export interface ServiceDefinition<C extends ServiceSettings> {
  /** The service's name: in every log line and in the message of a failed start. */
  name: string;
  /** Reads the environment; a ConfigError stops the service with its message. */
  config: () => C;
  /** Connects the dependencies and builds the app; any error stops the service with one message. */
  start: (config: C, logger: Logger) => Promise<StartedService>;
  /** The logger; by default one named after the service at config.LOG_LEVEL. */
  logger?: (config: C) => Logger;
  process?: ServiceProcess;
}

export interface RunningService {
  app: FastifyInstance;
  /** Stops as SIGTERM does: the parts in order, then the app, then exit 0. */
  stop(signal: string): Promise<void>;
  /** Runs the reload hooks as SIGHUP does. */
  reload(): Promise<void>;
}

/**
 * The one service skeleton: reads config, starts the service, listens, and stops it with grace
 * on SIGTERM/SIGINT. A service that cannot start prints one line naming why and exits 1.
 */
export async function runService<C extends ServiceSettings>(definition: ServiceDefinition<C>): Promise<RunningService | undefined> {
  const proc = definition.process ?? process;
  let started: StartedService;
  let logger: Logger;
  try {
    const config = definition.config();
    logger = definition.logger?.(config) ?? createLogger({ service: definition.name, level: config.LOG_LEVEL });
    started = await definition.start(config, logger);
    await started.app.listen({ host: config.HOST, port: config.PORT });
  } catch (error) {
    proc.stderr.write(`${startupMessage(definition.name, error)}\n`);
    proc.exit(1);
    return undefined;
  }
  started.listening?.();

  const reload = async () => {
    await Promise.all(
      (started.reload ?? []).map((hook) =>
        hook.reload().catch((error: unknown) => logger.error({ err: error, reload: hook.name }, `${hook.name} not reloaded; the previous version stays in force`)),
      ),
    );
  };
  let stopping: Promise<void> | undefined;
  const stop = (signal: string) => (stopping ??= stopService(started, logger, signal).then(() => proc.exit(0), (error: unknown) => {
    logger.error({ err: error }, 'stop failed');
    proc.exit(1);
  }));
  proc.once('SIGTERM', () => void stop('SIGTERM'));
  proc.once('SIGINT', () => void stop('SIGINT'));
  if (started.reload && started.reload.length > 0) proc.on('SIGHUP', () => void reload());
  return { app: started.app, stop, reload };
}

async function stopService(started: StartedService, logger: Logger, signal: string): Promise<void> {
  logger.info({ signal }, started.stopping ? `stopping: ${started.stopping}` : 'stopping');
  for (const step of started.stopFirst ?? []) await step.stop();
  // Waits for requests in flight, then closes the clients registered with closeOnStop.
  await started.app.close();
  logger.info('stopped');
}

/**
 * The one message a service that cannot start prints: a ConfigError already names the service
 * and every bad variable; anything else (a broken settings file, an unreachable store) gets
 * "<service>: cannot start: <problem>".
 */
export function startupMessage(service: string, error: unknown): string {
  if (error instanceof ConfigError) return error.message;
  const message = error instanceof Error ? error.message : String(error);
  // Several problems (every bad line of a settings file) are listed under the first line.
  return message.includes('\n') ? `${service}: cannot start:\n${message.replace(/^/gm, '  ')}` : `${service}: cannot start: ${message}`;
}
