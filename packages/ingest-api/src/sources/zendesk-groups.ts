import { readSettingsFile } from '@seamline/config';
import { parse } from 'yaml';
import { z } from 'zod';

const zendeskId = z.string().regex(/^\d+$/, 'ids are numbers');
const groups = z.record(zendeskId, z.string().min(1));
const users = z.record(
  zendeskId,
  z
    .object({ email: z.string().min(1).nullish(), phone: z.string().min(1).nullish() })
    .refine((user) => Boolean(user.email || user.phone), 'needs an email or a phone'),
);

/** A lookup file of Zendesk ids (JSON or YAML), named by the setting it comes from in every error. */
function loadLookup<T>(setting: string, path: string | undefined, schema: z.ZodType<Record<string, T>>): Record<string, T> {
  if (!path) return {};
  let text: string;
  try {
    text = readSettingsFile(path);
  } catch (error) {
    throw new Error(`${setting}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const result = schema.safeParse(parse(text));
  if (!result.success) {
    const issue = result.error.issues[0]!;
    // A bad key is reported as "Invalid key in record", with the key's own problem inside.
    const message = issue.code === 'invalid_key' ? (issue.issues[0]?.message ?? issue.message) : issue.message;
    throw new Error(`${setting}: ${path}: ${issue.path.join('.') || 'file'}: ${message}`);
  }
  return result.data;
}

/** Zendesk group id -> name, from a JSON or YAML file, so events carry the names the org map uses. */
export async function loadZendeskGroups(path: string | undefined): Promise<Record<string, string>> {
  return loadLookup('ZENDESK_GROUPS', path, groups);
}

/**
 * Zendesk user id -> { email, phone }, from a JSON or YAML file (an export of end users): a ticket
 * webhook that names its requester only by id then links to the customer at once.
 */
export async function loadZendeskUsers(path: string | undefined): Promise<Record<string, { email?: string | null | undefined; phone?: string | null | undefined }>> {
  return loadLookup('ZENDESK_USERS', path, users);
}
