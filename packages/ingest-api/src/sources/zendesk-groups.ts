import { loadYamlSettings } from '@seamline/config';
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
  return path ? loadYamlSettings(path, schema, { setting }) : {};
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
