import { download, get, segment } from './api.js';
import { format, h } from './dom.js';
import { sparkline } from './sparkline.js';

// The headline figures, in the order a team lead reads them, with the counts behind each rate,
// the contacts or journeys each one counts (`counts`, one line), and its definition in the glossary.
const HEADLINE = [
  { field: 'contacts', label: 'Contacts', show: format.count, counts: 'contacts that started with the team (first team)', detail: (s) => `${format.count(s.journeys)} journeys` },
  { field: 'repeatRate', label: 'Repeat rate', show: format.percent, counts: 'contacts that started with the team (first team)', detail: (s) => `${format.count(s.repeatContacts)} of ${format.count(s.contacts)} contacts` },
  {
    field: 'fcrRate',
    label: 'First-contact resolution',
    show: format.percent,
    counts: 'mature contacts that ended with the team (final team)',
    detail: (s) => `${format.count(s.fcrContacts)} of ${format.count(s.matureContacts)} mature contacts`,
    tooFew: (s) => s.matureContacts < MIN_MATURE,
  },
  { field: 'contactsPerJourney', label: 'Contacts per journey', show: format.mean, counts: 'journeys that started with the team', detail: () => 'mean, whole journeys' },
  { field: 'crossSiloJourneyRate', label: 'Cross-silo journeys', show: format.percent, counts: 'journeys that started with the team', detail: (s) => `${format.count(s.crossSiloJourneys)} of ${format.count(s.journeys)} journeys` },
  { field: 'billingTriggeredRate', label: 'Billing-triggered journeys', show: format.percent, counts: 'journeys that started with the team', detail: (s) => `${format.count(s.billingTriggeredJourneys)} of ${format.count(s.journeys)} journeys` },
  { field: 'transfers', label: 'Transfers', show: format.count, counts: 'handoffs within contacts that started with the team', detail: (s) => `${format.count(s.crossSiloTransfers)} cross-silo` },
  { field: 'bounces', label: 'Bounces', show: format.count, counts: 'repeat contacts that started with the team, sent on from another', detail: (s) => `${format.count(s.crossSiloBounces)} cross-silo` },
];

/** Fewer mature contacts than this, and a first-contact resolution rate says nothing yet. */
const MIN_MATURE = 5;

/**
 * A team's overview: every section loads at once and fills in (or shows its own error) as its
 * answer comes. `current()` turns false once the user asked for something else, so a slow
 * answer never overwrites a newer view. A 401 goes to `onAuthError`.
 */
export function renderOverview(container, { team, period, current, onAuthError }) {
  const query = { from: period.from, to: period.to, asOf: period.asOf };
  // The trend's days and weeks start at the zone's midnight and Monday.
  const teamPath = `/v1/teams/${segment(team)}`;
  const optional = (promise) => promise.catch((error) => (error.status === 401 ? Promise.reject(error) : null));
  const trendQuery = { ...query, interval: period.interval, tz: period.tz };
  // The period of the same length just before, as of the same instant: what each card compares with.
  const length = Date.parse(period.to) - Date.parse(period.from);
  const previous = { from: new Date(Date.parse(period.from) - length).toISOString(), to: period.from, asOf: period.asOf };
  const sections = [
    section(
      'headline',
      'Headline figures',
      () =>
        Promise.all([get('/v1/metrics/summary', { ...query, team }), optional(get(`${teamPath}/trend`, trendQuery)), optional(get('/v1/metrics/summary', { ...previous, team }))]).then(
          ([summary, trend, before]) => headline(summary, trend, before),
        ),
      { label: `Download the figures per ${period.interval} (CSV)`, path: `${teamPath}/trend`, params: trendQuery },
    ),
    section('transitions', 'Where handoffs go', () => get('/v1/metrics/transitions', { ...query, team }).then(transitionMatrix), {
      label: 'Download the handoffs (CSV)',
      path: '/v1/metrics/transitions',
      params: { ...query, team },
    }),
    section('reasons', 'Top repeat reasons', () => get(`${teamPath}/repeat-reasons`, { ...query, limit: 5 }).then(repeatReasons), {
      label: 'Download the repeat reasons (CSV)',
      path: `${teamPath}/repeat-reasons`,
      params: { ...query, limit: 100 },
    }),
    section('journeys', 'Worst journeys', () => get(`${teamPath}/journeys`, { ...query, sort: 'contacts', limit: 10 }).then(worstJourneys), {
      label: 'Download the worst journeys (CSV)',
      path: `${teamPath}/journeys`,
      params: { ...query, sort: 'contacts', limit: 200 },
    }),
  ];
  container.replaceChildren(h('h2', { class: 'visually-hidden', tabindex: '-1' }, `Team ${team}`), ...sections.map((s) => s.element));
  for (const { body, element, load } of sections) {
    load().then(
      (content) => current() && (body.replaceChildren(content), element.setAttribute('aria-busy', 'false')),
      (error) => {
        if (!current()) return;
        if (error.status === 401) return onAuthError(error.message);
        body.replaceChildren(h('p', { class: 'error', role: 'alert' }, error.message));
        element.setAttribute('aria-busy', 'false');
      },
    );
  }
}

/** A card of the overview; `csv`: what its download button saves (the API's CSV of the same figures). */
function section(id, title, load, csv) {
  const body = h('div', { class: 'section-body' }, h('p', { class: 'loading' }, 'Loading…'));
  const save = csv && h('button', { type: 'button', class: 'download', title: csv.label, 'aria-label': csv.label }, 'CSV');
  save?.addEventListener('click', () =>
    download(csv.path, csv.params).catch((error) => body.prepend(h('p', { class: 'error', role: 'alert' }, error.message))),
  );
  const header = h('div', { class: 'section-header' }, h('h2', { id: `${id}-title` }, title), save ?? []);
  const element = h('section', { id, class: 'card', 'aria-labelledby': `${id}-title`, 'aria-busy': 'true' }, header, body);
  return { element, body, load };
}

/** The change of a figure from the period before: points for rates, the difference for counts and means. */
export function change(field, now, before) {
  const a = now[field];
  const b = before?.[field];
  if (a === null || a === undefined || b === null || b === undefined) return 'no figure to compare with in the period before';
  const rate = field.endsWith('Rate');
  const delta = rate ? (a - b) * 100 : a - b;
  const shown = rate ? `${Math.abs(delta).toFixed(1)} pts` : field === 'contactsPerJourney' ? Math.abs(delta).toFixed(2) : format.count(Math.abs(delta));
  const arrow = delta > 0 ? '▲' : delta < 0 ? '▼' : '=';
  return `${arrow} ${delta === 0 ? 'same as' : `${shown} ${delta > 0 ? 'more than' : 'less than'}`} the period before`;
}

function headline(summary, trend, before) {
  const points = trend?.points ?? [];
  const per = trend ? `per ${trend.interval}` : 'trend unavailable';
  return h(
    'ul',
    { class: 'figures' },
    HEADLINE.map(({ field, label, show, counts, detail, tooFew }) =>
      h(
        'li',
        { class: 'figure', 'data-field': field },
        h('a', { class: 'label', href: `glossary.html#${field}`, title: `What ${label.toLowerCase()} means` }, label),
        tooFew?.(summary)
          ? h('span', { class: 'value too-few' }, `Too few (${format.count(summary.matureContacts)} mature)`)
          : h('span', { class: 'value' }, show(summary[field])),
        h('span', { class: 'counts' }, `Counts ${counts}`),
        h('span', { class: 'detail' }, detail(summary)),
        h('span', { class: 'change' }, change(field, summary, before)),
        points.length > 0 ? sparkline(points, field, `${label} ${per}`, show) : h('span', { class: 'detail' }, per),
      ),
    ),
  );
}

function transitionMatrix({ silos: handoffs, teams }) {
  if (handoffs.length === 0) return h('p', { class: 'empty' }, 'No transfers or bounces in this period.');
  const silos = [...new Set(handoffs.flatMap((t) => [t.fromSilo, t.toSilo]))].sort();
  const count = new Map(handoffs.map((t) => [`${t.fromSilo}\u0000${t.toSilo}`, t.count]));
  const max = Math.max(...handoffs.map((t) => t.count));
  const cell = (from, to) => {
    const n = count.get(`${from}\u0000${to}`) ?? 0;
    const td = h('td', { class: from === to ? 'same' : 'cross', 'data-count': n }, n ? format.count(n) : '·');
    td.style.setProperty('--share', String(n / max));
    return td;
  };
  const topTeams = [...teams].sort((a, b) => b.count - a.count).slice(0, 6);
  return h(
    'div',
    {},
    h('p', { class: 'hint' }, 'Transfers and bounces from the silo in the row to the silo in the column; off-diagonal cells cross silos.'),
    h(
      'div',
      { class: 'scroll' },
      h(
        'table',
        { class: 'matrix' },
        h('caption', { class: 'visually-hidden' }, 'Handoffs from silo to silo'),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'from \\ to'), silos.map((s) => h('th', { scope: 'col' }, s)))),
        h('tbody', {}, silos.map((from) => h('tr', {}, h('th', { scope: 'row' }, from), silos.map((to) => cell(from, to))))),
      ),
    ),
    h('h3', {}, 'Busiest team handoffs'),
    h('ol', { class: 'pairs' }, topTeams.map((t) => h('li', {}, `${t.fromTeam} → ${t.toTeam}`, h('span', { class: 'num' }, format.count(t.count))))),
  );
}

function repeatReasons({ reasons }) {
  if (reasons.length === 0) return h('p', { class: 'empty' }, 'No repeat contacts in this period.');
  const max = Math.max(...reasons.map((r) => r.repeats), 1);
  return h(
    'ol',
    { class: 'reasons' },
    reasons.map((r) => {
      const bar = h('span', { class: 'bar', 'aria-hidden': 'true' }, h('span', {}));
      bar.style.setProperty('--share', String(r.repeats / max));
      return h(
        'li',
        {},
        h('span', { class: 'reason' }, r.reason || '(no reason given)'),
        bar,
        h('span', { class: 'detail' }, `${format.count(r.repeats)} of ${format.count(r.contacts)} contacts came back (${format.percent(r.repeatShare)})`),
      );
    }),
  );
}

function worstJourneys({ journeys }) {
  if (journeys.length === 0) return h('p', { class: 'empty' }, 'No journeys started in this period.');
  const columns = ['Started', 'Customer', 'Contacts', 'Handoffs', 'Cross-silo', 'Billing trigger'];
  const head = h('tr', {}, columns.map((c, i) => h('th', { scope: 'col', class: i === 2 || i === 3 ? 'num' : undefined }, c)));
  const row = (j) =>
    h(
      'tr',
      // The whole row opens the journey for a pointer; the link is there for keyboards and screen readers.
      { onclick: () => (location.hash = `#/journey/${segment(j.journeyId)}`), 'data-journey': j.journeyId },
      h('td', {}, h('a', { href: `#/journey/${segment(j.journeyId)}` }, format.dateTime(j.start))),
      h('td', { class: 'id' }, j.customerId),
      h('td', { class: 'num' }, format.count(j.contacts)),
      h('td', { class: 'num' }, format.count(j.handoffs)),
      h('td', {}, j.crossSilo ? h('span', { class: 'badge cross' }, 'cross-silo') : 'no'),
      h('td', {}, j.billingTriggerType || '—'),
    );
  return h(
    'div',
    {},
    h('p', { class: 'hint' }, 'Journeys that started in the period, most contacts first. Open one to see its timeline.'),
    h(
      'div',
      { class: 'scroll' },
      h('table', { class: 'journeys' }, h('caption', { class: 'visually-hidden' }, 'Worst journeys'), h('thead', {}, head), h('tbody', {}, journeys.map(row))),
    ),
  );
}
