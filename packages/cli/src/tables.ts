import type { Summary, Teams, Transitions } from '@seamline/journeys';

// What `seamline metrics` prints without --json: aligned tables for people, the same figures as
// the JSON. Counts with thousands separators, rates as percentages with one decimal, "—" where a
// rate has nothing to divide by.

const count = (n: number) => new Intl.NumberFormat('en').format(n);
const percent = (rate: number | null) => (rate === null ? '—' : `${(rate * 100).toFixed(1)}%`);
const mean = (value: number | null) => (value === null ? '—' : value.toFixed(2));

/** Columns padded to their widest cell; numbers (right: true) aligned on the right. */
export function table(header: readonly string[], rows: readonly (readonly string[])[], right: readonly boolean[] = []): string {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (right[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

const scopeOf = (scope: Summary['scope']) => (scope.team ? `team ${scope.team}` : scope.silo ? `silo ${scope.silo}` : 'the whole organisation');
const periodOf = (summary: Pick<Summary, 'from' | 'to' | 'asOf'>) => `${summary.from} to ${summary.to}, as of ${summary.asOf}`;

export function summaryTable(summary: Summary): string {
  const rows: [string, string][] = [
    ['contacts (by first team)', count(summary.contacts)],
    ['repeat contacts', count(summary.repeatContacts)],
    ['repeat rate', percent(summary.repeatRate)],
    ['mature contacts (by final team)', count(summary.matureContacts)],
    ['resolved at first contact', count(summary.fcrContacts)],
    ['first-contact resolution', percent(summary.fcrRate)],
    ['journeys started', count(summary.journeys)],
    ['contacts per journey', mean(summary.contactsPerJourney)],
    ['cross-silo journeys', `${count(summary.crossSiloJourneys)} (${percent(summary.crossSiloJourneyRate)})`],
    ['billing-triggered journeys', `${count(summary.billingTriggeredJourneys)} (${percent(summary.billingTriggeredRate)})`],
    ['transfers', `${count(summary.transfers)} (${count(summary.crossSiloTransfers)} cross-silo)`],
    ['bounces', `${count(summary.bounces)} (${count(summary.crossSiloBounces)} cross-silo)`],
  ];
  return `${scopeOf(summary.scope)}, ${periodOf(summary)}\n\n${table(['figure', 'value'], rows, [false, true])}`;
}

export function teamsTable(teams: Teams): string {
  if (teams.teams.length === 0) return 'No team has contacts in this period.';
  const header = ['team', 'silo', 'contacts', 'repeat', 'mature', 'FCR', 'journeys', 'contacts/journey', 'cross-silo', 'billing', 'transfers', 'bounces'];
  const rows = teams.teams.map((t) => [
    t.team,
    t.silo,
    count(t.contacts),
    percent(t.repeatRate),
    count(t.matureContacts),
    percent(t.fcrRate),
    count(t.journeys),
    mean(t.contactsPerJourney),
    percent(t.crossSiloJourneyRate),
    percent(t.billingTriggeredRate),
    count(t.transfers),
    count(t.bounces),
  ]);
  const first = teams.teams[0]!;
  return `${periodOf(first)}; contacts and repeat by first team, FCR by final team of mature contacts\n\n${table(header, rows, header.map((_, i) => i >= 2))}`;
}

export function transitionsTable(transitions: Transitions): string {
  if (transitions.silos.length === 0) return 'No transfers or bounces in this period.';
  const silos = table(['from silo', 'to silo', 'handoffs'], transitions.silos.map((t) => [t.fromSilo, t.toSilo, count(t.count)]), [false, false, true]);
  const teams = table(['from team', 'to team', 'handoffs'], transitions.teams.map((t) => [t.fromTeam, t.toTeam, count(t.count)]), [false, false, true]);
  return `Handoffs (transfers and bounces) between silos\n\n${silos}\n\nand between teams\n\n${teams}`;
}
