// The dashboard's entry: sign-in, the team and period controls, and the hash routes
// (#/ a team's overview, #/journey/<id> one journey's timeline, so a journey can be linked).
import { apiKey, get } from './api.js';
import { dateIn, h, localMidnight, showTimesIn } from './dom.js';
import { renderOverview } from './overview.js';
import { renderJourney } from './timeline.js';

const $ = (id) => document.getElementById(id);
const DAY = 86_400_000;
const SELECTION = 'seamline.selection';
const iso = (ms) => new Date(ms).toISOString();
const utcDay = (date) => Date.parse(`${date}T00:00:00Z`);

// The state of the controls lives in the URL (?team=&period=&from=&to=&asOf=&tz=), so a view can be
// shared or bookmarked; without one in the URL, the tab's last view.
const URL_KEYS = { team: 'team', preset: 'period', from: 'from', to: 'to', asOf: 'asOf', tz: 'tz' };
const PRESETS = ['7', '30', '90', 'custom'];
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const BROWSER_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;
const ZONES = [...new Set(['UTC', BROWSER_ZONE, ...Intl.supportedValuesOf('timeZone')])];

function selectionFromUrl() {
  const params = new URLSearchParams(location.search);
  const given = {};
  for (const [key, name] of Object.entries(URL_KEYS)) {
    const value = params.get(name);
    if (value === null) continue;
    if (key === 'preset' && !PRESETS.includes(value)) continue;
    if (['from', 'to', 'asOf'].includes(key) && value !== '' && !DATE.test(value)) continue;
    if (key === 'tz' && !ZONES.includes(value)) continue;
    given[key] = value;
  }
  // Dates without a period mean those dates.
  if (!given.preset && (given.from || given.to)) given.preset = 'custom';
  return given;
}

function writeUrl() {
  const params = new URLSearchParams();
  for (const [key, name] of Object.entries(URL_KEYS)) {
    const value = selection[key];
    // The dates of the controls count only for a period of dates.
    const unused = (key === 'from' || key === 'to') && selection.preset !== 'custom';
    if (value && !unused) params.set(name, value);
  }
  history.replaceState(null, '', `${location.pathname}?${params}${location.hash}`);
}

const fromUrl = selectionFromUrl();
let selection = {
  team: '',
  preset: '30',
  from: '',
  to: '',
  asOf: '',
  tz: 'UTC',
  ...(Object.keys(fromUrl).length > 0 ? fromUrl : JSON.parse(sessionStorage.getItem(SELECTION) ?? '{}')),
};
// Each view and each team list gets a number; an answer for an older one is dropped.
let generation = 0;
let teamsRequest = 0;

/** A date (YYYY-MM-DD) `days` later. */
const addDays = (date, days) => iso(utcDay(date) + days * DAY).slice(0, 10);

/**
 * The period the controls describe, as the API takes it: whole days of the chosen zone, each from
 * its local midnight (23 or 25 hours across a daylight-saving change); `error` when the dates make
 * none.
 */
function period() {
  const zone = selection.tz;
  let first;
  let last;
  if (selection.preset === 'custom') {
    if (!selection.from || !selection.to) return { error: 'Choose the first and the last day of the period.' };
    [first, last] = [selection.from, selection.to];
    if (!(utcDay(first) <= utcDay(last))) return { error: 'The period must end on or after the day it starts.' };
  } else {
    last = dateIn(Date.now(), zone);
    first = addDays(last, 1 - Number(selection.preset));
  }
  const [from, to] = [localMidnight(first, zone), localMidnight(addDays(last, 1), zone)];
  const asOf = selection.asOf ? iso(localMidnight(addDays(selection.asOf, 1), zone)) : undefined;
  return { from: iso(from), to: iso(to), asOf, tz: zone, interval: to - from <= 31 * DAY + 2 * 3_600_000 ? 'day' : 'week' };
}

function route() {
  const view = ++generation;
  const current = () => view === generation;
  const target = $('view');
  const journey = /^#\/journey\/(.+)$/.exec(location.hash);
  if (journey) return renderJourney(target, { journeyId: decodeURIComponent(journey[1]), current, onAuthError: signOut });
  const chosen = period();
  if (chosen.error) return target.replaceChildren(h('p', { class: 'error', role: 'alert' }, chosen.error));
  if (!selection.team) return target.replaceChildren(h('p', { class: 'empty card' }, 'Choose a team to see its figures.'));
  renderOverview(target, { team: selection.team, period: chosen, current, onAuthError: signOut });
}

/** Team picker: the key's teams as a list, or a text field when the API will not list them. */
function showTeams(teams, hint) {
  const field = teams?.length
    ? h('select', { id: 'team' }, h('option', { value: '' }, 'Choose a team'), [...new Set([...teams, selection.team].filter(Boolean))].sort().map((t) => h('option', { value: t }, t)))
    : h('input', { id: 'team', type: 'text', autocomplete: 'off', spellcheck: 'false', placeholder: 'e.g. billing-t1' });
  field.value = selection.team;
  field.addEventListener('change', () => update({ team: field.value.trim() }));
  const hadFocus = document.activeElement === $('team');
  $('team').replaceWith(field);
  if (hadFocus) field.focus();
  $('team-hint').textContent = hint ?? '';
  // A key for one team needs no choosing.
  if (teams?.length === 1 && !selection.team) update({ team: teams[0] });
}

/** Lists the teams of the period; false when the key was refused (back at the sign-in form). */
async function loadTeams() {
  const { from, to, asOf, error } = period();
  const request = ++teamsRequest;
  if (error) return true;
  try {
    const { teams } = await get('/v1/metrics/teams', { from, to, asOf });
    const names = teams.map((row) => row.team);
    if (request === teamsRequest) showTeams(names, names.length ? '' : 'No team has contacts in this period: type the team.');
  } catch (failure) {
    if (request !== teamsRequest) return true;
    if (failure.status === 401) {
      signOut(failure.message);
      return false;
    }
    showTeams(null, failure.status === 403 ? 'This key may not list teams: type your team.' : failure.message);
  }
  return true;
}

function update(change) {
  const periodChanged = Object.keys(change).some((k) => k !== 'team');
  selection = { ...selection, ...change };
  sessionStorage.setItem(SELECTION, JSON.stringify(selection));
  writeUrl();
  if (periodChanged) void loadTeams();
  // A new team or period shows the overview; from a journey, go back to it.
  if (location.hash.startsWith('#/journey/')) location.hash = '#/';
  else route();
}

function showControls() {
  const custom = selection.preset === 'custom';
  showTimesIn(selection.tz);
  if ($('tz').options.length === 0) $('tz').replaceChildren(...ZONES.map((zone) => h('option', { value: zone }, zone)));
  $('tz').value = selection.tz;
  for (const label of document.querySelectorAll('[data-zone]')) label.textContent = selection.tz;
  $('period').value = selection.preset;
  $('from').value = selection.from;
  $('to').value = selection.to;
  $('as-of').value = selection.asOf;
  for (const field of document.querySelectorAll('[data-custom]')) field.hidden = !custom;
}

function signOut(message = '') {
  apiKey.clear();
  generation++;
  $('app').hidden = true;
  $('sign-out').hidden = true;
  $('login').hidden = false;
  $('view').replaceChildren();
  $('login-message').textContent = message;
  $('api-key').focus();
}

async function signIn(event) {
  event.preventDefault();
  apiKey.set($('api-key').value.trim());
  $('api-key').value = '';
  $('login-message').textContent = '';
  if (await loadTeams()) showApp();
}

function showApp() {
  writeUrl();
  $('login').hidden = true;
  $('app').hidden = false;
  $('sign-out').hidden = false;
  showControls();
  route();
}

$('login-form').addEventListener('submit', signIn);
$('sign-out').addEventListener('click', () => signOut('Signed out.'));
$('controls').addEventListener('submit', (event) => event.preventDefault());
$('period').addEventListener('change', (event) => {
  const preset = event.target.value;
  // Switching to dates starts from the period shown so far.
  const { from, to } = period();
  const dates = preset === 'custom' && !selection.from ? { from: dateIn(from, selection.tz), to: dateIn(Date.parse(to) - 1, selection.tz) } : {};
  update({ preset, ...dates });
  showControls();
});
$('from').addEventListener('change', (event) => update({ from: event.target.value }));
$('to').addEventListener('change', (event) => update({ to: event.target.value }));
$('as-of').addEventListener('change', (event) => update({ asOf: event.target.value }));
$('tz').addEventListener('change', (event) => {
  update({ tz: event.target.value });
  showControls();
});
window.addEventListener('hashchange', () => {
  route();
  if (!location.hash.startsWith('#/journey/')) $('view').focus({ preventScroll: true });
});

if (apiKey.get() === null) signOut();
else if (await loadTeams()) showApp();
