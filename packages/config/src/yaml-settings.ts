import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { readSettingsFile, SettingsFileError, type SettingsProblem } from './files.ts';
import { formatPath, lineOf } from './yaml-lines.ts';

export interface YamlSettingsOptions {
  /** The variable that named the file (ZENDESK_USERS), put before every problem. */
  setting?: string | undefined;
  /** A file's own wording of an issue (its list of known keys, say); undefined keeps the common one. */
  describe?: (issue: z.core.$ZodIssue) => string | undefined;
}

/**
 * Parses a settings file in YAML or JSON (JSON is read by the YAML parser, so both get line
 * numbers) and validates it with `schema`. Every problem is reported at once, each with its
 * line and path, in a SettingsFileError.
 */
export function parseYamlSettings<S extends z.ZodType>(text: string, fileName: string, schema: S, options: YamlSettingsOptions = {}): z.output<S> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  // A file without a line break (JSON as a program writes it) is all line 1: its paths say where.
  const lined = text.includes('\n');
  const refuse = (problems: SettingsProblem[]) => new SettingsFileError(fileName, problems, options.setting);
  if (doc.errors.length > 0) {
    throw refuse(doc.errors.map((error) => ({ line: lined ? lineCounter.linePos(error.pos[0]).line : undefined, problem: error.message.split('\n')[0]! })));
  }
  let value: unknown;
  try {
    value = doc.toJS() ?? {};
  } catch (error) {
    // Aliases expanding beyond the parser's limit (a "billion laughs" file) end here.
    throw refuse([{ problem: error instanceof Error ? error.message : String(error) }]);
  }
  const parsed = schema.safeParse(value, { reportInput: true });
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.flatMap((issue) => {
    const paths = issue.code === 'unrecognized_keys' ? issue.keys.map((key) => [...issue.path, key]) : [issue.path];
    const what = options.describe?.(issue) ?? describeIssue(issue);
    return paths.map((path) => ({
      // A problem of the whole file (nothing to do) has no line to point at.
      line: lined && path.length > 0 ? lineOf(doc, lineCounter, path) : undefined,
      problem: `${path.length > 0 ? `${formatPath(path)}: ` : ''}${what}`,
    }));
  });
  throw refuse(problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0)));
}

/** Reads the settings file at `path` (see readSettingsFile) and parses it as parseYamlSettings does. */
export function loadYamlSettings<S extends z.ZodType>(path: string, schema: S, options: YamlSettingsOptions = {}): z.output<S> {
  let text: string;
  try {
    text = readSettingsFile(path);
  } catch (error) {
    if (error instanceof SettingsFileError && options.setting) throw new SettingsFileError(error.file, error.details, options.setting);
    throw error;
  }
  return parseYamlSettings(text, path, schema, options);
}

/** zod's issues in the words of a settings file: what is missing, what was found instead. */
export function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? `missing (expected ${issue.expected})` : `expected ${issue.expected}, not ${describeInput(issue.input)}`;
    case 'unrecognized_keys':
      return 'unknown key';
    case 'invalid_key':
      // A bad record key is "Invalid key in record", with the key's own problem inside.
      return issue.issues[0]?.message ?? issue.message;
    default:
      return issue.message;
  }
}

function describeInput(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'object') return 'a mapping';
  return `${typeof input} ${JSON.stringify(input)}`;
}
