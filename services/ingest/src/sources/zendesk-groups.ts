import { readSettingsFile } from '@seamline/config';
import { parse } from 'yaml';
import { z } from 'zod';

const groups = z.record(z.string().regex(/^\d+$/, 'group ids are numbers'), z.string().min(1));

/** Zendesk group id -> name, from a JSON or YAML file, so events carry the names the org map uses. */
export async function loadZendeskGroups(path: string | undefined): Promise<Record<string, string>> {
  if (!path) return {};
  let text: string;
  try {
    text = readSettingsFile(path);
  } catch (error) {
    throw new Error(`ZENDESK_GROUPS: ${error instanceof Error ? error.message : String(error)}`);
  }
  const result = groups.safeParse(parse(text));
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new Error(`ZENDESK_GROUPS: ${path}: ${issue.path.join('.') || 'file'}: ${issue.message}`);
  }
  return result.data;
}
