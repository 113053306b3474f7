import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Apache Kafka's own broker from its Maven Central jars, in KRaft mode, as a child process. */

export const KAFKA_VERSION = '3.9.1';
const INFRA_KAFKA = fileURLToPath(new URL('../kafka/', import.meta.url));
export const CACHE_DIR = resolve(INFRA_KAFKA, '../../.cache');

export function kafkaLibsDir(version = KAFKA_VERSION): string {
  return join(CACHE_DIR, 'kafka', version, 'libs');
}

/** Resolves the broker's jars with mvn into .cache/kafka/<version>/libs, once. */
export function installKafkaJars(version = KAFKA_VERSION, log: (line: string) => void = console.log): string {
  const libs = kafkaLibsDir(version);
  if (existsSync(libs) && readdirSync(libs).some((f) => f.startsWith(`kafka_2.13-${version}`))) return libs;
  log(`resolving Apache Kafka ${version} jars from Maven Central into ${libs}`);
  const result = spawnSync(
    'mvn',
    ['-q', '-B', '-f', join(INFRA_KAFKA, 'pom.xml'), `-Dkafka.version=${version}`,
      'dependency:copy-dependencies', `-DoutputDirectory=${libs}`, '-DincludeScope=runtime'],
    { stdio: 'inherit' },
  );
  if (result.status !== 0) {
    throw new Error(`mvn could not resolve org.apache.kafka:kafka_2.13:${version} (exit ${result.status}); is Maven installed and Maven Central reachable?`);
  }
  return libs;
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface LocalKafka {
  brokers: string[];
  readonly pid: number;
  dataDir: string;
  stop(): Promise<void>;
  /** Stops the broker and starts it again on the same port and log directory (its topics and offsets kept). */
  restart(): Promise<void>;
}

export interface LocalKafkaOptions {
  dataDir: string;
  port?: number;
  version?: string;
  /** Keep running after this process exits (infra:up). */
  detached?: boolean;
  log?: (line: string) => void;
}

function serverProperties(dataDir: string, port: number, controllerPort: number): string {
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'inter.broker.listener.name=PLAINTEXT',
    `log.dirs=${join(dataDir, 'logs')}`,
    'num.partitions=3',
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=6',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    'auto.create.topics.enable=false',
    'message.max.bytes=16777216',
    '',
  ].join('\n');
}

function java(libs: string, args: string[]): string[] {
  return ['-Xms256m', '-Xmx768m', `-Dlog4j.configuration=file:${join(INFRA_KAFKA, 'log4j.properties')}`, '-cp', `${libs}/*`, ...args];
}

/** Formats a fresh KRaft log directory and starts the broker; resolves when it accepts clients. */
export async function startLocalKafka(options: LocalKafkaOptions): Promise<LocalKafka> {
  const log = options.log ?? console.log;
  const libs = installKafkaJars(options.version, log);
  const port = options.port ?? (await freePort());
  const controllerPort = await freePort();
  rmSync(options.dataDir, { recursive: true, force: true });
  mkdirSync(options.dataDir, { recursive: true });
  const properties = join(options.dataDir, 'server.properties');
  writeFileSync(properties, serverProperties(options.dataDir, port, controllerPort));
  // A random id may start with -; the --cluster-id=<id> form keeps it from reading as a flag.
  const format = spawnSync('java', java(libs, ['kafka.tools.StorageTool', 'format', `--cluster-id=${randomBytes(16).toString('base64url')}`, '-c', properties]), { encoding: 'utf8' });
  if (format.status !== 0) throw new Error(`kafka storage format failed: ${format.stderr || format.stdout}`);

  let pid = await launch(libs, properties, options.detached ?? false);
  return {
    brokers: [`127.0.0.1:${port}`],
    get pid() {
      return pid;
    },
    dataDir: options.dataDir,
    stop: () => stopProcess(pid),
    async restart() {
      await stopProcess(pid);
      pid = await launch(libs, properties, false);
    },
  };
}

/** Starts the broker of a formatted log directory; resolves with its pid when it accepts clients. */
async function launch(libs: string, properties: string, detached: boolean): Promise<number> {
  const child: ChildProcess = spawn('java', java(libs, ['kafka.Kafka', properties]), {
    detached,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  await new Promise<void>((ready, fail) => {
    const timer = setTimeout(() => fail(new Error(`Kafka did not start within 60 s:\n${output.join('')}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output.push(chunk.toString());
      if (chunk.toString().includes('Kafka Server started')) {
        clearTimeout(timer);
        ready();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`Kafka exited with code ${code}:\n${output.join('')}`));
    });
  });
  child.stdout?.removeAllListeners('data');
  child.stderr?.removeAllListeners('data');
  child.stdout?.resume();
  child.stderr?.resume();
  if (detached) {
    child.stdout?.destroy();
    child.stderr?.destroy();
    child.unref();
  }
  return child.pid!;
}

/** SIGTERM, then SIGKILL after 10 s; resolves when the process is gone. */
export async function stopProcess(pid: number): Promise<void> {
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (!alive()) return;
  process.kill(pid, 'SIGTERM');
  for (let waited = 0; waited < 10_000 && alive(); waited += 100) await new Promise((r) => setTimeout(r, 100));
  if (alive()) process.kill(pid, 'SIGKILL');
}
