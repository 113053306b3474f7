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
const dateTime = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', dateStyle: 'medium', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', dateStyle: 'medium' });

/** Formats for the figures: a null rate or mean shows as "—", never as 0. */
export const format = {
  count: (n) => (n === null || n === undefined ? '—' : counts.format(n)),
  percent: (rate) => (rate === null || rate === undefined ? '—' : `${(rate * 100).toFixed(1)}%`),
  mean: (n) => (n === null || n === undefined ? '—' : n.toFixed(2)),
  dateTime: (iso) => `${dateTime.format(new Date(iso))} UTC`,
  date: (iso) => dateOnly.format(new Date(iso)),
};
