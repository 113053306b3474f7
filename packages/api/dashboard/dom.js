// Small DOM helpers. Text always goes in through textContent: API values are never parsed as HTML.

/** An element with attributes ("on*" functions become listeners) and children (strings become text). */
export function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  return fill(element, attrs, children);
}

/** The same for SVG elements. */
export function svg(tag, attrs = {}, ...children) {
  return fill(document.createElementNS('http://www.w3.org/2000/svg', tag), attrs, children);
}

function fill(element, attrs, children) {
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

const counts = new Intl.NumberFormat('en');
let zone = 'UTC';
let dateTime;
let dateOnly;

/** Times are shown in this zone (an IANA name), the zone named after each time. */
export function showTimesIn(timeZone) {
  zone = timeZone;
  dateTime = new Intl.DateTimeFormat('en-GB', { timeZone, dateStyle: 'medium', timeStyle: 'short' });
  dateOnly = new Intl.DateTimeFormat('en-GB', { timeZone, dateStyle: 'medium' });
}
showTimesIn('UTC');

/** The instant (ms) at which a day (YYYY-MM-DD) starts in `timeZone`: its local midnight, on DST days too. */
export function localMidnight(date, timeZone) {
  const [y, m, d] = date.split('-').map(Number);
  const guess = Date.UTC(y, m - 1, d);
  // The zone's offset at an instant: its wall-clock time there, read as if it were UTC, minus the instant.
  const offset = (at) => {
    const parts = Object.fromEntries(
      new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
        .formatToParts(new Date(at))
        .map((p) => [p.type, p.value]),
    );
    return Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour, +parts.minute, +parts.second) - at;
  };
  const first = guess - offset(guess);
  return guess - offset(first);
}

/** The date (YYYY-MM-DD) an instant (ms or Date) falls on in `timeZone`. */
export const dateIn = (instant, timeZone) => new Intl.DateTimeFormat('en-CA', { timeZone }).format(new Date(instant));

/** Formats for the figures: a null rate or mean shows as "—", never as 0. */
export const format = {
  count: (n) => (n === null || n === undefined ? '—' : counts.format(n)),
  percent: (rate) => (rate === null || rate === undefined ? '—' : `${(rate * 100).toFixed(1)}%`),
  mean: (n) => (n === null || n === undefined ? '—' : n.toFixed(2)),
  dateTime: (iso) => `${dateTime.format(new Date(iso))} ${zone}`,
  date: (iso) => dateOnly.format(new Date(iso)),
};
