import { localTime } from '@seamline/metrics';
import { z } from 'zod';
import type { Scope } from '@seamline/journeys';
import type { Digest } from './digest.ts';
import { formatDuration } from '@seamline/config';
import { formatChange, formatFigure, METRIC_LABELS, type MetricName } from './figures.ts';
import type { AlertRule } from './rules.ts';

// What the webhooks receive: a Slack incoming-webhook body. `text` alone is a complete message
// (and what other chat tools and notifications show); `blocks` lay the same facts out for Slack.

const plainText = z.object({ type: z.literal('plain_text'), text: z.string().min(1).max(150), emoji: z.boolean().optional() });
const mrkdwn = z.object({ type: z.literal('mrkdwn'), text: z.string().min(1).max(3000) });

export const slackBlockSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('header'), text: plainText }),
  z.object({ type: z.literal('section'), text: mrkdwn.optional(), fields: z.array(mrkdwn).min(1).max(10).optional() }),
  z.object({ type: z.literal('context'), elements: z.array(mrkdwn).min(1).max(10) }),
  z.object({ type: z.literal('divider') }),
]);

export const slackMessageSchema = z.object({
  text: z.string().min(1).max(40_000),
  blocks: z.array(slackBlockSchema).max(50).optional(),
});
export type SlackMessage = z.infer<typeof slackMessageSchema>;
type SlackBlock = z.infer<typeof slackBlockSchema>;

/** What an alert or recovery reports about its rule's evaluation. */
export interface BreachReport {
  rule: AlertRule;
  value: number;
  period: { from: string; to: string };
  /** The contacts the figure rests on. */
  sample: number;
  /** For a recovery: the breached state it ends. */
  breachedSince?: string;
}

export function alertMessage(report: BreachReport): SlackMessage {
  const { rule } = report;
  const figure = formatFigure(rule.metric, report.value);
  const threshold = `${rule.direction} ${formatFigure(rule.metric, rule.threshold)}`;
  const sentence = `${METRIC_LABELS[rule.metric]} of ${scopeLabel(rule.scope)} is ${figure}, ${threshold}`;
  return {
    text: `:rotating_light: Alert "${rule.name}": ${sentence} (${windowLabel(rule, report.period)})`,
    blocks: [
      header(`🚨 Alert: ${rule.name}`),
      section(`${escape(sentence)}.`),
      breachFields(report, figure, threshold),
      context(`${report.sample} contacts · metric \`${rule.metric}\` · sent to ${escape(rule.webhook.name)}`),
    ],
  };
}

export function recoveryMessage(report: BreachReport): SlackMessage {
  const { rule } = report;
  const figure = formatFigure(rule.metric, report.value);
  const threshold = `${rule.direction} ${formatFigure(rule.metric, rule.threshold)}`;
  const since = report.breachedSince ? `, breached since ${instant(report.breachedSince)}` : '';
  const sentence = `${METRIC_LABELS[rule.metric]} of ${scopeLabel(rule.scope)} is ${figure}, no longer ${threshold}`;
  return {
    text: `:white_check_mark: Recovered "${rule.name}": ${sentence} (${windowLabel(rule, report.period)}${since})`,
    blocks: [
      header(`✅ Recovered: ${rule.name}`),
      section(`${escape(sentence)}${escape(since)}.`),
      breachFields(report, figure, threshold),
      context(`${report.sample} contacts · metric \`${rule.metric}\` · sent to ${escape(rule.webhook.name)}`),
    ],
  };
}

/** The figures a digest lays out (Slack shows at most ten fields per section). */
const DIGEST_FIGURES: readonly MetricName[] = [
  'contacts',
  'repeatRate',
  'fcrRate',
  'journeys',
  'contactsPerJourney',
  'crossSiloJourneyRate',
  'billingTriggeredRate',
  'transfers',
  'crossSiloTransfers',
  'bounces',
];

export function digestMessage(digest: Digest): SlackMessage {
  const figure = (metric: MetricName) =>
    `${formatFigure(metric, digest.figures[metric])} (${formatChange(metric, digest.change[metric])})`;
  const headline = (['contacts', 'repeatRate', 'fcrRate'] as const).map((m) => `${METRIC_LABELS[m].toLowerCase()} ${figure(m)}`).join(', ');
  // The digest's week and times in its zone, named.
  const local = (iso: string) => localTime(iso, digest.timeZone);
  const period = `${local(digest.period.from)} – ${local(digest.period.to)}`;
  const journeys = digest.worstJourneys.map(
    (j, i) =>
      `${i + 1}. \`${j.journey_id}\` (customer \`${j.customer_id}\`), started ${local(j.start)}: ${j.contacts} contacts, ` +
      `${j.handoffs} handoffs${j.cross_silo ? ', cross-silo' : ''}${j.billing_trigger_type ? `, after ${j.billing_trigger_type}` : ''}`,
  );
  const blocks: SlackBlock[] = [
    header(`Weekly digest: ${digest.team}`),
    section(`*Team ${escape(digest.team)}*, ${period}, compared with the week before.`),
    { type: 'section', fields: DIGEST_FIGURES.map((m) => mrkdwnText(`*${METRIC_LABELS[m]}*\n${figure(m)}`)) },
    { type: 'divider' },
    section(journeys.length > 0 ? `*Worst journeys to review*\n${escape(journeys.join('\n'))}` : '*Worst journeys to review*\nNo journey started this week.'),
    context('Worst: most contacts, then most handoffs. First-contact resolution counts only contacts mature at the end of the week.'),
  ];
  return {
    text: `Weekly digest for team ${digest.team}, ${period}: ${headline}; ${journeys.length} worst journeys to review.`,
    blocks,
  };
}

function breachFields(report: BreachReport, figure: string, threshold: string): SlackBlock {
  return {
    type: 'section',
    fields: [
      mrkdwnText(`*Figure*\n${escape(METRIC_LABELS[report.rule.metric])}: ${figure}`),
      mrkdwnText(`*Threshold*\n${threshold}`),
      mrkdwnText(`*Scope*\n${escape(scopeLabel(report.rule.scope))}`),
      mrkdwnText(`*Window*\n${windowLabel(report.rule, report.period)}`),
    ],
  };
}

export function scopeLabel(scope: Scope): string {
  if (scope.team !== undefined) return `team ${scope.team}`;
  if (scope.silo !== undefined) return `silo ${scope.silo}`;
  return 'the whole organisation';
}

const windowLabel = (rule: AlertRule, period: { from: string; to: string }) =>
  `last ${formatDuration(rule.windowMs)}: ${instant(period.from)} – ${instant(period.to)}`;

/** "2026-03-09T08:00:00.000Z" → "2026-03-09 08:00 UTC". */
const instant = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

/** Slack's mrkdwn gives &, < and > a meaning; names from rules and data must not. */
const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const mrkdwnText = (text: string) => ({ type: 'mrkdwn' as const, text: text.slice(0, 3000) });
const header = (text: string): SlackBlock => ({ type: 'header', text: { type: 'plain_text', text: text.slice(0, 150), emoji: true } });
const section = (text: string): SlackBlock => ({ type: 'section', text: mrkdwnText(text) });
const context = (text: string): SlackBlock => ({ type: 'context', elements: [mrkdwnText(text)] });
