import { summarySchema, type Summary } from '@seamline/journeys';

/** A count or rate of the summary object (docs/metrics.md): what a rule may watch and a digest reports. */
export type MetricName = Exclude<keyof Summary, 'from' | 'to' | 'asOf' | 'scope'>;

const NOT_FIGURES: readonly string[] = ['from', 'to', 'asOf', 'scope'];

/** Every figure of the summary, in the summary's order (derived, so a new summary field is a new metric). */
export const METRIC_NAMES = Object.keys(summarySchema.shape).filter((key) => !NOT_FIGURES.includes(key)) as [MetricName, ...MetricName[]];

/** Rates are fractions (0.3 is 30%); contactsPerJourney is a mean, the rest are counts. */
const RATES: ReadonlySet<MetricName> = new Set(['repeatRate', 'fcrRate', 'crossSiloJourneyRate', 'billingTriggeredRate']);
const MEANS: ReadonlySet<MetricName> = new Set(['contactsPerJourney']);

/** FCR figures count only mature contacts (start + W <= asOf). */
const MATURE_ONLY: ReadonlySet<MetricName> = new Set(['matureContacts', 'fcrContacts', 'fcrRate']);

export const isRate = (metric: MetricName): boolean => RATES.has(metric);
export const countsOnlyMatureContacts = (metric: MetricName): boolean => MATURE_ONLY.has(metric);

/**
 * The contacts a figure rests on, for a rule's minContacts: mature contacts for FCR figures
 * (the others are not counted in them yet), every contact of the period otherwise.
 */
export function sampleSize(metric: MetricName, summary: Summary): number {
  return countsOnlyMatureContacts(metric) ? summary.matureContacts : summary.contacts;
}

/** A figure as a person reads it: rates in percent, means with two decimals, counts as they are. */
export function formatFigure(metric: MetricName, value: number | null): string {
  if (value === null) return 'n/a';
  if (RATES.has(metric)) return `${round(value * 100, 1)}%`;
  if (MEANS.has(metric)) return String(round(value, 2));
  return String(value);
}

/** A change between two figures: rates in percentage points, always signed. */
export function formatChange(metric: MetricName, change: number | null): string {
  if (change === null) return 'n/a';
  const sign = change > 0 ? '+' : change < 0 ? '−' : '±';
  const size = Math.abs(change);
  if (RATES.has(metric)) return `${sign}${round(size * 100, 1)} pp`;
  if (MEANS.has(metric)) return `${sign}${round(size, 2)}`;
  return `${sign}${size}`;
}

/** Human labels for the figures that messages name. */
export const METRIC_LABELS: Record<MetricName, string> = {
  contacts: 'Contacts',
  repeatContacts: 'Repeat contacts',
  repeatRate: 'Repeat rate',
  matureContacts: 'Mature contacts',
  fcrContacts: 'Resolved at first contact',
  fcrRate: 'First-contact resolution',
  journeys: 'Journeys',
  contactsPerJourney: 'Contacts per journey',
  crossSiloJourneys: 'Cross-silo journeys',
  crossSiloJourneyRate: 'Cross-silo journey rate',
  billingTriggeredJourneys: 'Billing-triggered journeys',
  billingTriggeredRate: 'Billing-triggered rate',
  transfers: 'Transfers',
  crossSiloTransfers: 'Cross-silo transfers',
  bounces: 'Bounces',
  crossSiloBounces: 'Cross-silo bounces',
};

function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}
