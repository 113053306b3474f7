import { isTimeZone } from '@seamline/metrics';
import { z } from 'zod';
import { durationSchema, formatDuration, loadYamlSettings, parseYamlSettings } from '@seamline/config';
import { countsOnlyMatureContacts, METRIC_NAMES } from './figures.ts';

// The rules file (ALERT_RULES): thresholds on summary figures, the webhooks they go to, and the
// weekly digest. One schema; the types below are inferred from it.

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;

const webhookUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

const scope = z
  .strictObject({
    team: z.string().min(1, 'must not be empty').optional(),
    silo: z.string().min(1, 'must not be empty').optional(),
  })
  .refine((s) => !(s.team && s.silo), 'give team or silo, not both (neither: the whole organisation)');

const rule = z
  .strictObject({
    name: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
    metric: z.enum(METRIC_NAMES, { error: `must be a count or rate of the summary: ${METRIC_NAMES.join(', ')}` }),
    scope: scope.default({}),
    above: z.number().optional(),
    below: z.number().optional(),
    window: durationSchema.refine((ms) => ms > 0, 'must be longer than 0'),
    minContacts: z.number().int('must be a whole number').min(0, 'must be 0 or more').default(0),
    webhook: z.string().min(1, 'must not be empty'),
  })
  .refine((r) => (r.above === undefined) !== (r.below === undefined), 'give exactly one of above or below');

const digest = z.strictObject({
  schedule: z.literal('weekly', { error: 'only "weekly" is supported' }).default('weekly'),
  weekday: z.enum(WEEKDAYS, { error: `must be a weekday: ${WEEKDAYS.join(', ')}` }).default('monday'),
  hour: z.number().int('must be a whole hour').min(0, 'must be 0 to 23').max(23, 'must be 0 to 23').default(8),
  timeZone: z.string().refine(isTimeZone, 'must be an IANA time zone such as Europe/Berlin').optional(),
  webhook: z.string().min(1, 'must not be empty'),
  teams: z.union([z.literal('all'), z.array(z.string().min(1, 'must not be empty')).min(1, 'must name a team')], {
    error: 'must be "all" or a list of team names',
  }).default('all'),
});

const KNOWN_KEYS = {
  root: ['webhooks', 'rules', 'digest'],
  rule: Object.keys(rule.shape),
  scope: ['team', 'silo'],
  digest: Object.keys(digest.shape),
};

export const alertRulesSchema = z
  .strictObject({
    webhooks: z.record(z.string().min(1), webhookUrl).nullish().transform((hooks) => hooks ?? {}),
    rules: z.array(rule).nullish().transform((rules) => rules ?? []),
    digest: digest.optional(),
  })
  .superRefine((file, ctx) => {
    const names = Object.keys(file.webhooks);
    const known = names.length > 0 ? `known: ${names.join(', ')}` : 'none defined';
    const checkWebhook = (ref: string, path: (string | number)[]) => {
      if (!Object.hasOwn(file.webhooks, ref) && !webhookUrl.safeParse(ref).success) {
        ctx.addIssue({ code: 'custom', path, message: `"${ref}" is neither an http(s) URL nor a name under webhooks (${known})` });
      }
    };
    const firstIndex = new Map<string, number>();
    file.rules.forEach((r, i) => {
      checkWebhook(r.webhook, ['rules', i, 'webhook']);
      const earlier = firstIndex.get(r.name);
      if (earlier === undefined) firstIndex.set(r.name, i);
      else ctx.addIssue({ code: 'custom', path: ['rules', i, 'name'], message: `duplicate rule name "${r.name}" (also rules[${earlier}])` });
    });
    if (file.digest) checkWebhook(file.digest.webhook, ['digest', 'webhook']);
    if (file.rules.length === 0 && !file.digest) ctx.addIssue({ code: 'custom', path: [], message: 'no rules and no digest: nothing to do' });
  })
  .transform((file) => {
    const webhook = (ref: string) =>
      Object.hasOwn(file.webhooks, ref) ? { name: ref, url: file.webhooks[ref]! } : { name: new URL(ref).host, url: ref };
    return {
      rules: file.rules.map(({ above, below, window, webhook: ref, ...r }) => ({
        ...r,
        direction: above !== undefined ? ('above' as const) : ('below' as const),
        threshold: (above ?? below)!,
        windowMs: window,
        webhook: webhook(ref),
      })),
      digest: file.digest && { ...file.digest, webhook: webhook(file.digest.webhook) },
    };
  });

export type AlertRules = z.output<typeof alertRulesSchema>;
export type AlertRule = AlertRules['rules'][number];
export type DigestSettings = NonNullable<AlertRules['digest']>;
/** Where a message goes: the name is what logs and alert_log_v1 show, never the URL (a secret). */
export type Webhook = AlertRule['webhook'];

/** Parses a rules file (YAML, or JSON read as YAML); a bad one is a SettingsFileError naming every problem. */
export function parseAlertRules(text: string, fileName: string): AlertRules {
  return parseYamlSettings(text, fileName, alertRulesSchema, { describe: describeIssue });
}

/** Reads and parses the rules file at `path`; `setting` (ALERT_RULES) leads each problem. */
export async function loadAlertRules(path: string, setting?: string): Promise<AlertRules> {
  return loadYamlSettings(path, alertRulesSchema, { describe: describeIssue, setting });
}

/**
 * Rules that can never have data: an FCR figure counts contacts mature at asOf (start + W <=
 * now), so a window no longer than the repeat window W holds none. Such a rule needs a longer
 * window (e.g. 14d with W = 7d watches the contacts of the week before last).
 */
export function rulesWithoutMatureContacts(rules: readonly AlertRule[], repeatWindowMs: number): string[] {
  return rules
    .filter((r) => countsOnlyMatureContacts(r.metric) && r.windowMs <= repeatWindowMs)
    .map(
      (r) =>
        `rule "${r.name}": ${r.metric} over ${formatDuration(r.windowMs)} counts only contacts mature by now, and with a ` +
        `repeat window of ${formatDuration(repeatWindowMs)} none is: use a window longer than ${formatDuration(repeatWindowMs)}`,
    );
}

/** An unknown key says which keys the place it is in knows. */
function describeIssue(issue: z.core.$ZodIssue): string | undefined {
  return issue.code === 'unrecognized_keys' ? `unknown key (expected ${expectedKeys(issue.path).join(', ')})` : undefined;
}

function expectedKeys(path: readonly PropertyKey[]): string[] {
  if (path.length === 0) return KNOWN_KEYS.root;
  if (path[0] === 'digest') return KNOWN_KEYS.digest;
  return path.length > 2 ? KNOWN_KEYS.scope : KNOWN_KEYS.rule;
}
