import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { connectClickHouse } from '@seamline/clickhouse';
import { loadConfig } from '@seamline/config';
import { testStack } from '@seamline/infra/testing';
import { createKafka, topicNames } from '@seamline/kafka';
import { createLogger } from '@seamline/log';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { loadOrgMap } from '@seamline/journeys';
import { alertsEnv } from '../services/alerts/src/env.ts';
import { loadAlertRules } from '../services/alerts/src/rules.ts';
import { loadZendeskGroups, loadZendeskUsers } from '../packages/ingest-api/src/sources/zendesk-groups.ts';
import { ingestEnv } from '../services/ingest/src/env.ts';
import { metricsApiEnv } from '../services/metrics-api/src/env.ts';
import { stitcherEnv } from '../services/stitcher/src/env.ts';
import {
  composeSchemaErrors,
  dockerfileCopySources,
  readComposeFile,
  type ComposeFile,
  type ComposeService,
} from './support/compose-file.ts';
import { uniquePrefix } from './support/wait.ts';

const root = resolve(import.meta.dirname, '..');
const composePath = join(root, 'infra/docker-compose.yml');
const serviceEnvSchemas: Record<string, z.ZodType> = {
  ingest: ingestEnv,
  stitcher: stitcherEnv,
  'metrics-api': metricsApiEnv,
  alerts: alertsEnv,
};
/** What a deployment must set: Compose refuses to start without it. */
const required = { CLICKHOUSE_PASSWORD: 'services-secret', CLICKHOUSE_ANALYST_PASSWORD: 'analyst-secret', GRAFANA_ADMIN_PASSWORD: 'grafana-secret' };
const defaults = readComposeFile(composePath, required);
const custom = readComposeFile(composePath, { ...required, INGEST_PORT: '9181', METRICS_API_PORT: '9180', KAFKA_TOPIC_PREFIX: 'acme.' });

function environment(service: ComposeService): Record<string, string> {
  return Object.fromEntries(Object.entries(service.environment ?? {}).map(([key, value]) => [key, value === null ? '' : String(value)]));
}

function service(compose: ComposeFile, name: string): ComposeService {
  const found = compose.services[name];
  if (!found) throw new Error(`infra/docker-compose.yml has no service ${name}`);
  return found;
}

describe('infra/docker-compose.yml', () => {
  it('is valid against the Compose specification JSON Schema, with defaults and with settings', () => {
    expect(composeSchemaErrors(defaults)).toEqual([]);
    expect(composeSchemaErrors(custom)).toEqual([]);
  });

  it('would be refused by the schema check with an unknown key or a wrong dependency condition', () => {
    const broken = structuredClone(defaults) as ComposeFile & { services: Record<string, Record<string, unknown>> };
    broken.services.ingest!.restart_policy = 'always';
    broken.services.stitcher!.depends_on = { kafka: { condition: 'service_ready' } };
    const errors = composeSchemaErrors(broken);
    expect(errors.some((error) => error.includes('/services/ingest') && error.includes('restart_policy'))).toBe(true);
    expect(errors.some((error) => error.includes('/services/stitcher/depends_on'))).toBe(true);
  });

  it('refuses to start without either password, and mounts the read-only analyst user', () => {
    expect(() => readComposeFile(composePath, { ...required, CLICKHOUSE_ANALYST_PASSWORD: '' })).toThrow(/set CLICKHOUSE_ANALYST_PASSWORD/);
    expect(() => readComposeFile(composePath, { ...required, CLICKHOUSE_PASSWORD: '' })).toThrow(/set CLICKHOUSE_PASSWORD/);
    expect(() => readComposeFile(composePath, { ...required, GRAFANA_ADMIN_PASSWORD: '' })).toThrow(/set GRAFANA_ADMIN_PASSWORD/);
    // No password has a default (KAFKA_SASL_PASSWORD is empty unless SASL is used).
    expect(readFileSync(composePath, 'utf8')).not.toMatch(/PASSWORD:-[^}]/);
    const clickhouse = service(defaults, 'clickhouse');
    expect(environment(clickhouse).CLICKHOUSE_ANALYST_PASSWORD).toBe('analyst-secret');
    const mount = (clickhouse.volumes ?? []).map(String).find((volume) => volume.includes('users.d/analyst.xml'))!;
    const [hostPath, containerPath, mode] = mount.split(':');
    expect([containerPath, mode]).toEqual(['/etc/clickhouse-server/users.d/analyst.xml', 'ro']);
    const users = readFileSync(resolve(root, 'infra', hostPath!), 'utf8');
    // The user's profile is read-only and bounded; its password and database come from the environment.
    const profile = /<profiles>[\s\S]*<analyst>([\s\S]*?)<\/analyst>[\s\S]*<\/profiles>/.exec(users)?.[1] ?? '';
    expect(profile).toContain('<readonly>1</readonly>');
    expect(profile).toMatch(/<max_memory_usage>\d+<\/max_memory_usage>/);
    const user = /<users>[\s\S]*<analyst>([\s\S]*?)<\/analyst>[\s\S]*<\/users>/.exec(users)?.[1] ?? '';
    expect(user).toContain('<password from_env="CLICKHOUSE_ANALYST_PASSWORD"/>');
    expect(user).toContain('<profile>analyst</profile>');
    expect(environment(clickhouse).CLICKHOUSE_DB).toBeTruthy();
  });

  it('pins Kafka 3.9.1 and the ClickHouse release line of the embedded engine, and every other image to a version', () => {
    expect(service(defaults, 'kafka').image).toBe('apache/kafka:3.9.1');
    expect(service(defaults, 'clickhouse').image).toMatch(/^clickhouse\/clickhouse-server:26\.\d+/);
    for (const [name, current] of Object.entries(defaults.services)) {
      if (current.image && !current.image.startsWith('seamline:')) expect(current.image, name).toMatch(/:v?\d+\.\d+/);
    }
  });

  it('gives every service the environment its own config schema accepts', () => {
    for (const compose of [defaults, custom]) {
      for (const [name, schema] of Object.entries(serviceEnvSchemas)) {
        expect(() => loadConfig(name, schema, environment(service(compose, name))), name).not.toThrow();
      }
    }
  });

  it('passes settings through: a variable set on the host reaches the service', () => {
    const ingest = loadConfig('ingest', ingestEnv, environment(service(custom, 'ingest')));
    expect(ingest.PORT).toBe(9181);
    expect(ingest.KAFKA_TOPIC_PREFIX).toBe('acme.');
    expect(service(custom, 'ingest').ports).toEqual(['127.0.0.1:9181:9181']);
  });

  it('publishes only on loopback unless SEAMLINE_BIND opens it, and Kafka and ClickHouse only with the host-ports profile', () => {
    const open = readComposeFile(composePath, { ...required, SEAMLINE_BIND: '0.0.0.0' });
    for (const [name, current] of Object.entries(defaults.services)) {
      for (const port of current.ports ?? []) expect(port, name).toMatch(/^127\.0\.0\.1:\d+:\d+$/);
      for (const port of open.services[name]?.ports ?? []) expect(port, name).toMatch(/^0\.0\.0\.0:\d+:\d+$/);
    }
    expect(service(defaults, 'kafka').ports ?? []).toEqual([]);
    expect(service(defaults, 'clickhouse').ports ?? []).toEqual([]);
    const published = Object.entries(defaults.services).filter(([, current]) => (current.ports ?? []).length > 0);
    const forwarders = published.filter(([, current]) => JSON.stringify(current.command ?? []).includes('forward.mjs'));
    expect(forwarders.map(([name, current]) => [name, current.profiles])).toEqual([
      ['kafka-host-port', ['host-ports']],
      ['clickhouse-host-port', ['host-ports']],
    ]);
    expect(forwarders.map(([, current]) => environment(current).TARGET)).toEqual(['kafka:9094', 'clickhouse:8123']);
    expect(existsSync(join(root, 'infra/host-ports/forward.mjs'))).toBe(true);
  });

  it('passes every setting a service reads through from the host', () => {
    // Not settings of a deployment: the embedded engine's directory (a deployment has a ClickHouse server).
    const notPassed = new Set(['SEAMLINE_DATA_DIR']);
    for (const [name, schema] of Object.entries(serviceEnvSchemas)) {
      const keys = Object.keys((schema as z.ZodObject).shape);
      const given = Object.keys(environment(service(defaults, name)));
      const missing = keys.filter((key) => !notPassed.has(key) && !given.includes(key));
      expect(missing, `${name}: settings its config reads that the compose file does not pass`).toEqual([]);
    }
  });

  it('reads every setting as ${VAR:-default}, each documented with that default in compose.env.example', () => {
    expect(JSON.stringify(defaults).match(/\$\{[^}]*\}/g)).toBeNull();
    const example = readFileSync(join(root, 'infra/compose.env.example'), 'utf8');
    const documented = Object.fromEntries([...example.matchAll(/^([A-Z_][A-Z0-9_]*)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]));
    const text = readFileSync(composePath, 'utf8').replace(/#.*$/gm, '');
    const used = [...text.matchAll(/\$\{([A-Z_][A-Z0-9_]*)(:-([^}]*))?\}/g)];
    expect(used.length).toBeGreaterThan(20);
    for (const [, name, withDefault, fallback] of used) {
      expect(withDefault, `\${${name}} has a default`).toBeDefined();
      expect(documented[name!], `${name} in compose.env.example`).toBe(fallback);
    }
  });

  it('points KAFKA_BROKERS at the kafka service internal listener and CLICKHOUSE_URL at clickhouse', () => {
    const kafka = environment(service(defaults, 'kafka'));
    const internal = /INTERNAL:\/\/(kafka:\d+)/.exec(kafka.KAFKA_ADVERTISED_LISTENERS ?? '')?.[1];
    expect(internal).toBe('kafka:9092');
    expect(kafka.KAFKA_LISTENERS).toContain('INTERNAL://:9092');
    for (const [name, current] of Object.entries(defaults.services)) {
      const env = environment(current);
      if (env.KAFKA_BROKERS !== undefined) expect(env.KAFKA_BROKERS, name).toBe(internal);
      if (env.CLICKHOUSE_URL !== undefined) {
        expect(new URL(env.CLICKHOUSE_URL).host, name).toBe('clickhouse:8123');
        expect(env.CLICKHOUSE_USER, name).toBe(environment(service(defaults, 'clickhouse')).CLICKHOUSE_USER);
        expect(env.CLICKHOUSE_PASSWORD, name).toBe(environment(service(defaults, 'clickhouse')).CLICKHOUSE_PASSWORD);
      }
    }
  });

  it('publishes each service on the port it listens on (PORT) and checks its health there', () => {
    for (const compose of [defaults, custom]) {
      for (const name of Object.keys(serviceEnvSchemas)) {
        const current = service(compose, name);
        const { PORT } = loadConfig(name, serviceEnvSchemas[name]!, environment(current)) as { PORT: number };
        const targets = (current.ports ?? []).map((port) => Number(port.split(':').at(-1)));
        expect(targets, name).toEqual([PORT]);
        expect(JSON.stringify(current.healthcheck?.test), name).toContain('/readyz');
      }
    }
  });

  it('starts services only after what they need: healthy dependencies, a finished setup job', () => {
    for (const [name, current] of Object.entries(defaults.services)) {
      for (const [target, { condition }] of Object.entries(current.depends_on ?? {})) {
        const dependency = defaults.services[target];
        expect(dependency, `${name} depends on ${target}`).toBeDefined();
        const expected = dependency?.healthcheck ? 'service_healthy' : 'service_completed_successfully';
        expect(condition, `${name} → ${target}`).toBe(expected);
        if (expected === 'service_completed_successfully') expect(dependency?.restart, target).toBe('no');
      }
    }
    for (const name of Object.keys(serviceEnvSchemas)) expect(Object.keys(service(defaults, name).depends_on ?? {}), name).toContain('setup');
  });

  it('restarts long-running services, keeps data in named volumes, mounts config files read-only, and runs each service compiled, with node', () => {
    for (const [name, current] of Object.entries(defaults.services)) {
      if (name !== 'setup') expect(current.restart, name).toBe('unless-stopped');
      for (const volume of current.volumes ?? []) {
        const [source, , mode] = volume.split(':');
        // A file of this repository (a path) is configuration, mounted read-only; data lives in named volumes.
        if (source!.startsWith('./')) {
          expect(existsSync(resolve(root, 'infra', source!)), volume).toBe(true);
          expect(mode, volume).toBe('ro');
        } else expect(Object.keys(defaults.volumes ?? {}), name).toContain(source);
      }
    }
    for (const name of Object.keys(serviceEnvSchemas)) {
      // The compiled service with node, as `npm start` in the workspace runs it.
      const command = service(defaults, name).command;
      expect(command, name).toEqual(['node', '--conditions=seamline-compiled', `services/${name}/dist/server.js`]);
      const start = (JSON.parse(readFileSync(join(root, 'services', name, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
      expect(`node ${start.replace(/^node /, '').replace('dist/', `services/${name}/dist/`)}`.split(' '), name).toEqual(command);
    }
  });

  it('reads the org map, the Zendesk lookups and the alert rules from the config volume, whose examples each service accepts', async () => {
    const settings: [string, string, (path: string) => Promise<unknown>][] = [
      ['stitcher', 'SEAMLINE_ORG_MAP', loadOrgMap],
      ['metrics-api', 'SEAMLINE_ORG_MAP', loadOrgMap],
      ['alerts', 'SEAMLINE_ORG_MAP', loadOrgMap],
      ['ingest', 'ZENDESK_GROUPS', loadZendeskGroups],
      ['ingest', 'ZENDESK_USERS', loadZendeskUsers],
      ['alerts', 'ALERT_RULES', loadAlertRules],
    ];
    for (const [name, variable, load] of settings) {
      const current = service(defaults, name);
      const mount = (current.volumes ?? []).map(String).find((volume) => volume.split(':')[1] === '/config');
      expect(mount, `${name} mounts the config volume`).toMatch(/^\.\/config:\/config:ro$/);
      const path = environment(current)[variable] ?? '';
      expect(path.startsWith('/config/'), `${name} ${variable}`).toBe(true);
      const onHost = join(root, 'infra/config', path.slice('/config/'.length));
      await expect(load(onHost), `${name} ${variable} ${onHost}`).resolves.toBeDefined();
    }
    expect((await loadOrgMap(join(root, 'infra/config/org-map.yaml'))).queues['Billing Tier 1']).toEqual({ team: 'billing-t1', silo: 'billing' });
  });
});

describe('the setup job', () => {
  it('creates the topics and applies the migrations, with the commands the compose file runs', async () => {
    const stack = testStack();
    const setup = service(defaults, 'setup');
    const command = setup.command as string[];
    expect(command).toEqual(['sh', '-c', 'npx seamline topics create && npx seamline migrate']);
    const prefix = `${uniquePrefix('deploy')}.`;
    const database = `seamline_deploy_${process.pid}`;
    const dataDir = mkdtempSync(join(tmpdir(), 'seamline-deploy-'));
    const env: Record<string, string> = {
      ...environment(setup),
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? tmpdir(),
      KAFKA_BROKERS: stack.kafkaBrokers.join(','),
      KAFKA_TOPIC_PREFIX: prefix,
      CLICKHOUSE_DATABASE: database,
      CLICKHOUSE_URL: stack.clickhouseUrl ?? '',
      CLICKHOUSE_USER: '',
      CLICKHOUSE_PASSWORD: '',
      SEAMLINE_DATA_DIR: dataDir,
    };
    await promisify(execFile)('sh', ['-c', command[2]!.replaceAll('npx seamline', `${process.execPath} packages/cli/bin/seamline.js`)], {
      cwd: root,
      env,
      timeout: 120_000,
    });

    const admin = createKafka({ brokers: stack.kafkaBrokers, clientId: 'deployment-test' }, createLogger({ service: 'e2e', level: 'warn', pretty: false })).admin();
    await admin.connect();
    const topics = await admin.listTopics();
    await admin.disconnect();
    expect(topics).toEqual(expect.arrayContaining(Object.values(topicNames(prefix))));

    const clickhouse = await connectClickHouse({ url: stack.clickhouseUrl, database, dataDir });
    const tables = await (await clickhouse.client.query({ query: 'SHOW TABLES', format: 'JSONEachRow' })).json<{ name: string }>();
    await clickhouse.close();
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['events_v1', 'dead_letters_v1', 'schema_migrations_v1']));
  });
});

describe('Dockerfile', () => {
  it('copies only sources that exist in the repository', () => {
    const sources = dockerfileCopySources(join(root, 'Dockerfile'));
    expect(sources).toEqual(expect.arrayContaining(['.', 'package.json', 'package-lock.json']));
    for (const source of sources) expect(existsSync(join(root, source)), source).toBe(true);
  });

  it('copies the manifest of every workspace, so npm ci matches the lockfile', () => {
    const sources = new Set(dockerfileCopySources(join(root, 'Dockerfile')));
    // Every workspace the root manifest names, as npm finds them.
    const patterns = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { workspaces: string[] }).workspaces;
    const manifests = patterns.flatMap((pattern) =>
      pattern.endsWith('/*') ? readdirSync(join(root, pattern.slice(0, -2))).map((name) => `${pattern.slice(0, -1)}${name}/package.json`) : [`${pattern}/package.json`],
    );
    expect(manifests.length).toBeGreaterThan(15);
    for (const manifest of manifests.filter((path) => existsSync(join(root, path)))) expect(sources.has(manifest), manifest).toBe(true);
  });
});
