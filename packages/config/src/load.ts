import type { z } from 'zod';
import { readSettingsFile } from './files.ts';

/** A secret (a password, a key) is a line, not a file of megabytes. */
const MAX_SECRET_FILE_BYTES = 64 * 1024;

/** A configuration that cannot start a service; its message names every bad variable and why. */
export class ConfigError extends Error {
  constructor(
    readonly service: string,
    readonly problems: readonly { variable: string; problem: string }[],
  ) {
    super(
      `${service}: invalid configuration\n` +
        problems.map((p) => `  - ${p.variable}: ${p.problem}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

export type Env = Record<string, string | undefined>;

/**
 * Parses environment variables with a zod object whose keys are the variable names.
 * Empty strings count as unset, so `FOO=` falls back to the default like a missing FOO.
 */
export function loadConfig<S extends z.ZodType>(service: string, schema: S, env: Env): z.infer<S> {
  const cleaned: Env = {};
  const fileProblems: { variable: string; problem: string }[] = [];
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && value.trim() !== '') cleaned[key] = value;
  }
  // Secrets may come from files (Docker and Kubernetes secrets): FOO_FILE=/run/secrets/foo sets
  // FOO, for the variables this schema knows (other *_FILE variables of the shell are not ours).
  const known = 'shape' in schema && typeof schema.shape === 'object' && schema.shape !== null ? Object.keys(schema.shape) : [];
  for (const [key, path] of Object.entries(cleaned)) {
    const variable = key.endsWith('_FILE') ? key.slice(0, -'_FILE'.length) : undefined;
    if (!variable || !known.includes(variable) || !path || cleaned[variable] !== undefined) continue;
    try {
      cleaned[variable] = readSettingsFile(path, MAX_SECRET_FILE_BYTES).trim();
    } catch (error) {
      fileProblems.push({ variable: key, problem: error instanceof Error ? error.message : String(error) });
    }
  }
  if (fileProblems.length > 0) throw new ConfigError(service, fileProblems);
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => ({
    variable: issue.path.map(String).join('.') || '(environment)',
    problem: issue.code === 'invalid_type' && /received undefined/.test(issue.message) ? 'required but not set' : issue.message,
  }));
  throw new ConfigError(service, problems);
}
