import type { CanonicalEvent } from '@seamline/schemas';
import { creditedPlacement, figuresOf, NO_COUNTS, type Counts, type CountedUnit } from './definitions.ts';
import { buildJourneys } from './journeys.ts';
import type { Handoff, JourneyModel, JourneyOptions } from './model.ts';
import type { OrgMap } from './org-map.ts';
import type { Scope, Summary, TeamSummary, Teams, Transitions } from './summary-schema.ts';

/** The period [from, to) and the optional scope the figures are attributed to. */
export interface Period {
  from: Date;
  to: Date;
  /** Both given: a figure must match both. */
  scope?: Scope;
}

export type MetricParams = Period & JourneyOptions;

/** What one attribution key (the whole scope, or one team) is credited with. */
interface Tally {
  counts: Counts;
  handoffs: Handoff[];
  /** Silos the key's team was seen in; one, unless the org map puts a team in two silos. */
  silos: Set<string>;
}

const emptyTally = (): Tally => ({ counts: { ...NO_COUNTS }, handoffs: [], silos: new Set() });

type AttributionKey = (team: string, silo: string) => string | undefined;

/**
 * docs/metrics.md "Attribution and rates", in one pass: each contact, mature contact and journey
 * that starts in the period is credited to the team CREDITED_TEAM names for it, with the counts
 * COUNTED gives it. `keyOf` says which tally a team and silo count in (undefined: out of scope).
 */
function tally(model: JourneyModel, period: Period, keyOf: AttributionKey): Map<string, Tally> {
  const from = period.from.toISOString();
  const to = period.to.toISOString();
  const tallies = new Map<string, Tally>();
  const tallyFor = (unit: CountedUnit, row: Parameters<typeof creditedPlacement>[1]): Tally | undefined => {
    const { team, silo } = creditedPlacement(unit, row);
    const key = keyOf(team, silo);
    if (key === undefined) return undefined;
    let found = tallies.get(key);
    if (!found) tallies.set(key, (found = emptyTally()));
    found.silos.add(silo);
    return found;
  };
  for (const customer of model.customers) {
    for (const contact of customer.contacts) {
      if (contact.start < from || contact.start >= to) continue;
      const byContact = tallyFor('contact', contact);
      if (byContact) {
        const { counts } = byContact;
        counts.contacts++;
        if (contact.repeat) counts.repeatContacts++;
        for (const handoff of contact.handoffs) {
          if (handoff.kind === 'transfer') {
            counts.transfers++;
            if (handoff.crossSilo) counts.crossSiloTransfers++;
          } else {
            counts.bounces++;
            if (handoff.crossSilo) counts.crossSiloBounces++;
          }
        }
        byContact.handoffs.push(...contact.handoffs);
      }
      if (!contact.mature) continue;
      const byMature = tallyFor('matureContact', contact);
      if (byMature) {
        byMature.counts.matureContacts++;
        if (contact.resolvedAtFirstContact) byMature.counts.fcrContacts++;
      }
    }
    for (const journey of customer.journeys) {
      if (journey.start < from || journey.start >= to) continue;
      const byJourney = tallyFor('journey', journey);
      if (!byJourney) continue;
      const { counts } = byJourney;
      counts.journeys++;
      counts.journeyContacts += journey.contactEventIds.length;
      if (journey.crossSilo) counts.crossSiloJourneys++;
      if (journey.billingTrigger) counts.billingTriggeredJourneys++;
    }
  }
  return tallies;
}

const inScope = (scope: Scope, team: string, silo: string): boolean =>
  (scope.team === undefined || scope.team === team) && (scope.silo === undefined || scope.silo === silo);

/** A summary of `counts`: the period, the instant they are as of, the scope and the figures. */
export function summaryOf(from: Date, to: Date, asOf: string, scope: Scope, counts: Readonly<Counts>): Summary {
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    asOf,
    scope: { ...(scope.team !== undefined && { team: scope.team }), ...(scope.silo !== undefined && { silo: scope.silo }) },
    ...figuresOf(counts),
  };
}

const toSummary = (model: JourneyModel, period: Period, scope: Scope, t: Tally): Summary => summaryOf(period.from, period.to, model.asOf, scope, t.counts);

/** The summary of a model already built (one model serves several periods and scopes). */
export function summarizeJourneys(model: JourneyModel, period: Period): Summary {
  const scope = period.scope ?? {};
  const tallies = tally(model, period, (team, silo) => (inScope(scope, team, silo) ? 'scope' : undefined));
  return toSummary(model, period, scope, tallies.get('scope') ?? emptyTally());
}

/**
 * One row per team credited with at least one figure in the period (within the scope, if one
 * is given), sorted by team. Each row equals the summary scoped to that team, plus its silo.
 */
export function summarizeTeams(model: JourneyModel, period: Period): Teams {
  const scope = period.scope ?? {};
  const tallies = tally(model, period, (team, silo) => (inScope(scope, team, silo) ? team : undefined));
  const teams: TeamSummary[] = [...tallies.keys()].sort(byCodeUnit).map((team) => {
    const t = tallies.get(team)!;
    const silo = [...t.silos].sort(byCodeUnit)[0]!;
    return { team, silo, ...toSummary(model, period, { ...scope, team }, t) };
  });
  return { teams };
}

/** Handoffs (transfers and bounces) counted in the summary, per silo pair and per team pair. */
export function summarizeTransitions(model: JourneyModel, period: Period): Transitions {
  const scope = period.scope ?? {};
  const tallies = tally(model, period, (team, silo) => (inScope(scope, team, silo) ? 'scope' : undefined));
  return transitionsOf(tallies.get('scope')?.handoffs ?? [], (h) => [h.fromSilo, h.toSilo], (h) => [h.fromTeam, h.toTeam]);
}

/**
 * Transitions from handoffs, or from rows that count several: `weight` of each item summed per
 * (from, to) pair of silos and of teams, each list sorted by from then to in code-unit order.
 */
export function transitionsOf<T>(
  items: readonly T[],
  silosOf: (item: T) => [from: string, to: string],
  teamsOf: (item: T) => [from: string, to: string],
  weight: (item: T) => number = () => 1,
): Transitions {
  return {
    silos: countPairs(items, silosOf, weight).map(([fromSilo, toSilo, count]) => ({ fromSilo, toSilo, count })),
    teams: countPairs(items, teamsOf, weight).map(([fromTeam, toTeam, count]) => ({ fromTeam, toTeam, count })),
  };
}

function countPairs<T>(items: readonly T[], pairOf: (item: T) => [string, string], weight: (item: T) => number): [string, string, number][] {
  const counts = new Map<string, [string, string, number]>();
  for (const item of items) {
    const [from, to] = pairOf(item);
    const key = JSON.stringify([from, to]);
    const entry = counts.get(key);
    if (entry) entry[2] += weight(item);
    else counts.set(key, [from, to, weight(item)]);
  }
  return [...counts.values()].sort((a, b) => byCodeUnit(a[0], b[0]) || byCodeUnit(a[1], b[1]));
}

export function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function computeSummary(events: Iterable<CanonicalEvent>, orgMap: OrgMap, params: MetricParams): Summary {
  return summarizeJourneys(buildJourneys(events, orgMap, params), params);
}

export function computeTeams(events: Iterable<CanonicalEvent>, orgMap: OrgMap, params: MetricParams): Teams {
  return summarizeTeams(buildJourneys(events, orgMap, params), params);
}

export function computeTransitions(events: Iterable<CanonicalEvent>, orgMap: OrgMap, params: MetricParams): Transitions {
  return summarizeTransitions(buildJourneys(events, orgMap, params), params);
}
