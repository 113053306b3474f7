import { svg } from './dom.js';

const WIDTH = 120;
const HEIGHT = 32;
const PAD = 3;

/**
 * An inline SVG line of one figure over the trend's points. A null value (a rate with nothing to
 * divide) leaves a gap rather than drawing a false zero.
 */
export function sparkline(points, field, label, formatValue) {
  const values = points.map((point) => point[field] ?? null);
  const known = values.filter((v) => v !== null);
  if (known.length === 0) return svg('svg', { class: 'sparkline', viewBox: `0 0 ${WIDTH} ${HEIGHT}`, 'aria-hidden': 'true' });
  const min = Math.min(...known);
  const span = Math.max(...known) - min || 1;
  const x = (i) => PAD + (values.length === 1 ? (WIDTH - 2 * PAD) / 2 : (i * (WIDTH - 2 * PAD)) / (values.length - 1));
  const y = (v) => HEIGHT - PAD - ((v - min) / span) * (HEIGHT - 2 * PAD);
  let path = '';
  let drawing = false;
  values.forEach((v, i) => {
    if (v === null) return void (drawing = false);
    path += `${drawing ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
    drawing = true;
  });
  const lastIndex = values.findLastIndex((v) => v !== null);
  const description = `${label}: ${formatValue(known[0])} at the start, ${formatValue(known.at(-1))} at the end, over ${values.length} points`;
  return svg(
    'svg',
    { class: 'sparkline', viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-label': description },
    svg('title', {}, description),
    svg('path', { d: path, class: 'line' }),
    svg('circle', { cx: x(lastIndex).toFixed(1), cy: y(values[lastIndex]).toFixed(1), r: 2.5, class: 'last' }),
  );
}
