import { describe, expect, it } from 'vitest';
import type { Summary } from '@seamline/journeys';
import { changeOf, type Digest } from './digest.ts';
import { alertMessage, digestMessage, recoveryMessage, slackMessageSchema } from './messages.ts';
import type { AlertRule } from './rules.ts';

const rule: AlertRule = {
  name: 'support repeats',
  metric: 'repeatRate',
  scope: { team: 'support-frontline' },
  direction: 'above',
  threshold: 0.3,
  windowMs: 7 * 86_400_000,
  minContacts: 5,
  webhook: { name: 'support-leads', url: 'https://hooks.slack.com/services/T/B/SECRET' },
};
const period = { from: '2026-03-02T00:00:00.000Z', to: '2026-03-09T00:00:00.000Z' };

/** Every text a Slack client would show, blocks included. */
const allText = (message: unknown) => JSON.stringify(message);

describe('alert and recovery messages', () => {
  it('are Slack incoming-webhook bodies naming the figure, threshold, scope and window', () => {
    const message = alertMessage({ rule, value: 0.555556, period, sample: 9 });
    expect(slackMessageSchema.parse(message)).toEqual(message);
    expect(message.text).toBe(
      ':rotating_light: Alert "support repeats": Repeat rate of team support-frontline is 55.6%, above 30% ' +
        '(last 7d: 2026-03-02 00:00 UTC – 2026-03-09 00:00 UTC)',
    );
    expect(message.blocks?.map((b) => b.type)).toEqual(['header', 'section', 'section', 'context']);
    expect(message.blocks?.[2]).toEqual({
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: '*Figure*\nRepeat rate: 55.6%' },
        { type: 'mrkdwn', text: '*Threshold*\nabove 30%' },
        { type: 'mrkdwn', text: '*Scope*\nteam support-frontline' },
        { type: 'mrkdwn', text: '*Window*\nlast 7d: 2026-03-02 00:00 UTC – 2026-03-09 00:00 UTC' },
      ],
    });
    expect(allText(message)).toContain('9 contacts');
  });

  it('say when a recovery ends the breach, and never carry the webhook URL', () => {
    const message = recoveryMessage({ rule, value: 0, period, sample: 4, breachedSince: '2026-03-09T00:05:00.000Z' });
    expect(slackMessageSchema.parse(message)).toEqual(message);
    expect(message.text).toBe(
      ':white_check_mark: Recovered "support repeats": Repeat rate of team support-frontline is 0%, no longer above 30% ' +
        '(last 7d: 2026-03-02 00:00 UTC – 2026-03-09 00:00 UTC, breached since 2026-03-09 00:05 UTC)',
    );
    expect(allText(message)).not.toContain('SECRET');
  });

  it('show counts as counts and the whole organisation by name, escaping Slack markup in names', () => {
    const transfers: AlertRule = { ...rule, metric: 'crossSiloTransfers', threshold: 100, scope: {}, name: 'a <b> & c' };
    const message = alertMessage({ rule: transfers, value: 120, period, sample: 900 });
    expect(message.text).toContain('Cross-silo transfers of the whole organisation is 120, above 100');
    expect(message.blocks?.[0]).toMatchObject({ type: 'header', text: { type: 'plain_text', text: '🚨 Alert: a <b> & c' } });
    const silo = alertMessage({ rule: { ...rule, scope: { silo: 'R&D <eu>' } }, value: 0.5, period, sample: 9 });
    expect(allText(silo.blocks)).toContain('silo R&amp;D &lt;eu&gt;');
  });
});

function summary(fields: Partial<Summary>): Summary {
  return {
    from: period.from, to: period.to, asOf: period.to, scope: { team: 'support-frontline' },
    contacts: 0, repeatContacts: 0, repeatRate: null, matureContacts: 0, fcrContacts: 0, fcrRate: null,
    journeys: 0, contactsPerJourney: null, crossSiloJourneys: 0, crossSiloJourneyRate: null,
    billingTriggeredJourneys: 0, billingTriggeredRate: null, transfers: 0, crossSiloTransfers: 0, bounces: 0, crossSiloBounces: 0,
    ...fields,
  };
}

describe('the digest message', () => {
  const figures = summary({ contacts: 9, repeatContacts: 5, repeatRate: 0.555556, journeys: 4, contactsPerJourney: 2.25, transfers: 1 });
  const previous = summary({ contacts: 3, repeatRate: 0, journeys: 3, contactsPerJourney: 1 });
  const digest: Digest = {
    team: 'support-frontline',
    timeZone: 'UTC',
    period,
    previousPeriod: { from: '2026-02-23T00:00:00.000Z', to: period.from },
    figures,
    previous,
    change: changeOf(figures, previous),
    worstJourneys: [
      { journey_id: 'j1', customer_id: 'cust_1', start: '2026-03-03T09:00:00.000Z', first_silo: 'support', contacts: 3, handoffs: 0, cross_silo_handoffs: 0, cross_silo: false, billing_trigger_type: '' },
      { journey_id: 'j2', customer_id: 'cust_2', start: '2026-03-04T09:00:00.000Z', first_silo: 'support', contacts: 2, handoffs: 2, cross_silo_handoffs: 2, cross_silo: true, billing_trigger_type: 'billing.payment_failed' },
    ],
  };

  it('gives the week, each figure with its change from the week before, and the worst journeys', () => {
    const message = digestMessage(digest);
    expect(slackMessageSchema.parse(message)).toEqual(message);
    expect(message.text).toBe(
      'Weekly digest for team support-frontline, 2026-03-02 00:00 UTC – 2026-03-09 00:00 UTC: contacts 9 (+6), ' +
        'repeat rate 55.6% (+55.6 pp), first-contact resolution n/a (n/a); 2 worst journeys to review.',
    );
    const text = allText(message.blocks);
    expect(text).toContain('*Contacts per journey*\\n2.25 (+1.25)');
    expect(text).toContain('1. `j1` (customer `cust_1`), started 2026-03-03 09:00 UTC: 3 contacts, 0 handoffs');
    expect(text).toContain('2. `j2` (customer `cust_2`), started 2026-03-04 09:00 UTC: 2 contacts, 2 handoffs, cross-silo, after billing.payment_failed');
  });

  it("shows the week and the journeys' starts in the digest's time zone, named", () => {
    const text = allText(digestMessage({ ...digest, timeZone: 'America/New_York' }).blocks);
    expect(text).toContain('2026-03-01 19:00 America/New_York – 2026-03-08 20:00 America/New_York');
    expect(text).toContain('started 2026-03-03 04:00 America/New_York');
  });

  it('says so when no journey started in the week', () => {
    expect(allText(digestMessage({ ...digest, worstJourneys: [] }).blocks)).toContain('No journey started this week.');
  });

  it('computes the change figure by figure, null where either week has none', () => {
    expect(digest.change).toMatchObject({ contacts: 6, repeatRate: 0.555556, fcrRate: null, contactsPerJourney: 1.25, transfers: 1 });
  });
});
