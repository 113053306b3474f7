import { get, segment } from './api.js';
import { format, h } from './dom.js';

const KIND = { contact: 'Contact', leg: 'Leg', billing: 'Billing', other: 'Event' };

/** One journey's touchpoints in time order, handoffs marked and cross-silo ones highlighted. */
export function renderJourney(container, { journeyId, current, onAuthError }) {
  const heading = h('h2', { id: 'journey-title', tabindex: '-1' }, 'Journey');
  const body = h('div', { class: 'section-body' }, h('p', { class: 'loading' }, 'Loading…'));
  const card = h('section', { id: 'journey', class: 'card', 'aria-labelledby': 'journey-title', 'aria-busy': 'true' }, body);
  container.replaceChildren(h('p', {}, h('a', { href: '#/', class: 'back' }, '← Back to the team overview')), heading, card);
  heading.focus();
  get(`/v1/journeys/${segment(journeyId)}`).then(
    (journey) => {
      if (!current()) return;
      heading.textContent = `Journey of customer ${journey.customerId}`;
      body.replaceChildren(facts(journey), timeline(journey.touchpoints));
      card.setAttribute('aria-busy', 'false');
    },
    (error) => {
      if (!current()) return;
      if (error.status === 401) return onAuthError(error.message);
      body.replaceChildren(h('p', { class: 'error', role: 'alert' }, error.message));
      card.setAttribute('aria-busy', 'false');
    },
  );
}

function facts(journey) {
  const rows = [
    ['Started', format.dateTime(journey.start)],
    ['First team', `${journey.firstTeam} (${journey.firstSilo})`],
    ['Teams', journey.teams.join(', ')],
    ['Cross-silo', journey.crossSilo ? 'yes' : 'no'],
    ['Billing trigger', journey.billingTrigger ? `${journey.billingTrigger.type}, ${format.dateTime(journey.billingTrigger.at)}` : '—'],
    ['Journey id', journey.journeyId],
  ];
  return h('dl', { class: 'facts' }, rows.map(([term, value]) => h('div', {}, h('dt', {}, term), h('dd', {}, value))));
}

function timeline(touchpoints) {
  return h(
    'ol',
    { class: 'timeline', 'aria-label': `${touchpoints.length} touchpoints` },
    touchpoints.map((t) =>
      h(
        'li',
        { class: `touchpoint ${t.kind}${t.handoff?.crossSilo ? ' cross-silo' : ''}`, 'data-kind': t.kind },
        h('time', { datetime: t.at }, format.dateTime(t.at)),
        h('p', { class: 'what' }, h('span', { class: `badge ${t.kind}` }, KIND[t.kind] ?? t.kind), ` ${t.type}`, t.channel && ` · ${t.channel}`, t.source && ` · ${t.source}`),
        h('p', { class: 'where' }, [t.team && `Team ${t.team}`, t.silo && `silo ${t.silo}`, t.queue && `queue “${t.queue}”`].filter(Boolean).join(' · ')),
        t.reason && h('p', { class: 'detail' }, `Reason: ${t.reason}`),
        t.handoff && handoff(t.handoff),
      ),
    ),
  );
}

function handoff({ kind, fromTeam, fromSilo, toTeam, toSilo, crossSilo }) {
  const what = kind === 'bounce' ? 'Bounce (came back to another team)' : 'Transfer';
  return h(
    'p',
    { class: `handoff${crossSilo ? ' cross' : ''}`, 'data-handoff': kind },
    h('strong', {}, `${what}: `),
    `${fromTeam} (${fromSilo}) → ${toTeam} (${toSilo})`,
    crossSilo && h('span', { class: 'badge cross' }, 'cross-silo'),
  );
}
