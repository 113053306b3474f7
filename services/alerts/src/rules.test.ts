import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SettingsFileError } from '@seamline/config';
import { loadAlertRules, parseAlertRules, rulesWithoutMatureContacts } from './rules.ts';

const GOOD = `# Alerts for the billing and support leads
webhooks:
  billing-leads: https://hooks.slack.com/services/T000/B000/XXXX
rules:
  - name: billing-t1 FCR
    metric: fcrRate
    scope: { team: billing-t1 }
    below: 0.7
    window: 14d
    minContacts: 20
    webhook: billing-leads
  - name: support repeats
    metric: repeatRate
    scope: { silo: support }
    above: 0.3
    window: 7d
    webhook: https://chat.example.com/hooks/support
  - name: org transfers
    metric: crossSiloTransfers
    above: 100
    window: 24h
    webhook: billing-leads
digest:
  schedule: weekly
  weekday: monday
  hour: 8
  webhook: billing-leads
  teams: [billing-t1, support-frontline]
`;

/** The problems of a bad file, as "file:line: problem" lines. */
function problemsOf(text: string): string[] {
  try {
    parseAlertRules(text, 'alerts.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(SettingsFileError);
    return (error as SettingsFileError).message.split('\n');
  }
  throw new Error('expected the file to be refused');
}

/** GOOD with one line replaced (1-based), so each error sits on a known line. */
const withLine = (line: number, text: string) => GOOD.split('\n').map((l, i) => (i === line - 1 ? text : l)).join('\n');

describe('the rules file', () => {
  it('reads rules with thresholds, scopes, windows and named or literal webhooks, and the digest', () => {
    const parsed = parseAlertRules(GOOD, 'alerts.yaml');
    expect(parsed.rules).toEqual([
      {
        name: 'billing-t1 FCR',
        metric: 'fcrRate',
        scope: { team: 'billing-t1' },
        direction: 'below',
        threshold: 0.7,
        windowMs: 14 * 86_400_000,
        minContacts: 20,
        webhook: { name: 'billing-leads', url: 'https://hooks.slack.com/services/T000/B000/XXXX' },
      },
      {
        name: 'support repeats',
        metric: 'repeatRate',
        scope: { silo: 'support' },
        direction: 'above',
        threshold: 0.3,
        windowMs: 7 * 86_400_000,
        minContacts: 0,
        webhook: { name: 'chat.example.com', url: 'https://chat.example.com/hooks/support' },
      },
      expect.objectContaining({ name: 'org transfers', scope: {}, direction: 'above', threshold: 100, windowMs: 86_400_000 }),
    ]);
    expect(parsed.digest).toEqual({
      schedule: 'weekly',
      weekday: 'monday',
      hour: 8,
      webhook: { name: 'billing-leads', url: 'https://hooks.slack.com/services/T000/B000/XXXX' },
      teams: ['billing-t1', 'support-frontline'],
    });
  });

  it('gives the digest its defaults: Mondays at 08:00 UTC, every team', () => {
    const parsed = parseAlertRules('digest:\n  webhook: https://hooks.example.com/x\n', 'alerts.yaml');
    expect(parsed.rules).toEqual([]);
    expect(parsed.digest).toMatchObject({ schedule: 'weekly', weekday: 'monday', hour: 8, teams: 'all' });
  });

  it('names the file, the line and the problem of a metric the summary does not have', () => {
    expect(problemsOf(withLine(6, '    metric: fcr'))).toEqual([
      expect.stringMatching(/^alerts\.yaml:6: rules\[0\]\.metric: must be a count or rate of the summary: contacts, repeatContacts, repeatRate, .*crossSiloBounces$/),
    ]);
  });

  it('refuses a rule with both above and below, or neither, on the line of the rule', () => {
    expect(problemsOf(withLine(8, '    below: 0.7\n    above: 0.9'))).toEqual(['alerts.yaml:5: rules[0]: give exactly one of above or below']);
    expect(problemsOf(withLine(15, '    minContacts: 5'))).toEqual(['alerts.yaml:12: rules[1]: give exactly one of above or below']);
  });

  it('refuses a bad window, scope, threshold and minContacts, each on its own line', () => {
    expect(problemsOf(withLine(9, '    window: a week'))).toEqual(['alerts.yaml:9: rules[0].window: must be a duration such as 7d, 72h, 30m']);
    expect(problemsOf(withLine(7, '    scope: { team: billing-t1, silo: billing }'))).toEqual([
      'alerts.yaml:7: rules[0].scope: give team or silo, not both (neither: the whole organisation)',
    ]);
    expect(problemsOf(withLine(8, '    below: "70%"'))).toEqual(['alerts.yaml:8: rules[0].below: expected number, not string "70%"']);
    expect(problemsOf(withLine(10, '    minContacts: -1'))).toEqual(['alerts.yaml:10: rules[0].minContacts: must be 0 or more']);
  });

  it('refuses a webhook that is neither a URL nor a named webhook, and says which names exist', () => {
    expect(problemsOf(withLine(11, '    webhook: billing-lead'))).toEqual([
      'alerts.yaml:11: rules[0].webhook: "billing-lead" is neither an http(s) URL nor a name under webhooks (known: billing-leads)',
    ]);
    expect(problemsOf(withLine(3, '  billing-leads: not a url'))).toEqual(['alerts.yaml:3: webhooks.billing-leads: must be an http(s) URL']);
  });

  it('refuses unknown keys (a typo is not silently ignored) and duplicate rule names', () => {
    expect(problemsOf(withLine(10, '    minContact: 20'))).toEqual([
      'alerts.yaml:10: rules[0].minContact: unknown key (expected name, metric, scope, above, below, window, minContacts, webhook)',
    ]);
    expect(problemsOf(withLine(12, '  - name: billing-t1 FCR'))).toEqual(['alerts.yaml:12: rules[1].name: duplicate rule name "billing-t1 FCR" (also rules[0])']);
  });

  it('refuses a bad digest: weekday, hour, schedule and teams', () => {
    expect(problemsOf(withLine(25, '  weekday: montag'))).toEqual([
      'alerts.yaml:25: digest.weekday: must be a weekday: sunday, monday, tuesday, wednesday, thursday, friday, saturday',
    ]);
    expect(problemsOf(withLine(26, '  hour: 24'))).toEqual(['alerts.yaml:26: digest.hour: must be 0 to 23']);
    expect(problemsOf(withLine(24, '  schedule: daily'))).toEqual(['alerts.yaml:24: digest.schedule: only "weekly" is supported']);
    expect(problemsOf(withLine(28, '  teams: some'))).toEqual(['alerts.yaml:28: digest.teams: must be "all" or a list of team names']);
  });

  it('reports every problem at once, in line order, and a missing field on the line of its rule', () => {
    const text = withLine(6, '    metric: nope').replace('    window: 24h\n', '');
    expect(problemsOf(text)).toEqual([
      expect.stringMatching(/^alerts\.yaml:6: rules\[0\]\.metric: must be a count/),
      'alerts.yaml:18: rules[2].window: missing (expected string)',
    ]);
  });

  it('names the line of a YAML syntax error, and refuses a file with nothing to do', () => {
    expect(problemsOf('rules:\n  - name: a\n    metric: [repeatRate\n')).toEqual([expect.stringMatching(/^alerts\.yaml:\d+: /)]);
    expect(problemsOf('')).toEqual(['alerts.yaml: no rules and no digest: nothing to do']);
    expect(problemsOf('rule: []\n')).toEqual([
      'alerts.yaml: no rules and no digest: nothing to do',
      'alerts.yaml:1: rule: unknown key (expected webhooks, rules, digest)',
    ]);
  });

  it('says so when the file does not exist, and reads one that does', async () => {
    await expect(loadAlertRules('/no/such/alerts.yaml')).rejects.toThrow('/no/such/alerts.yaml: file not found');
    const path = join(mkdtempSync(join(tmpdir(), 'alerts-rules-')), 'alerts.yaml');
    writeFileSync(path, GOOD);
    expect((await loadAlertRules(path)).rules).toHaveLength(3);
  });

  it('reads the example file shipped with the service', async () => {
    const example = await loadAlertRules(new URL('../../../infra/config/alerts.yaml', import.meta.url).pathname);
    expect(example.rules.map((r) => r.name)).toHaveLength(3);
    expect(example.digest?.teams).toBe('all');
    expect(rulesWithoutMatureContacts(example.rules, 7 * 86_400_000)).toEqual([]);
  });

  it('warns of FCR rules whose window holds no mature contact', () => {
    const { rules } = parseAlertRules(withLine(9, '    window: 7d'), 'alerts.yaml');
    expect(rulesWithoutMatureContacts(rules, 7 * 86_400_000)).toEqual([
      'rule "billing-t1 FCR": fcrRate over 7d counts only contacts mature by now, and with a repeat window of 7d none is: use a window longer than 7d',
    ]);
    expect(rulesWithoutMatureContacts(parseAlertRules(GOOD, 'alerts.yaml').rules, 7 * 86_400_000)).toEqual([]);
  });
});
