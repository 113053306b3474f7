import { isMap, isScalar, isSeq, type Document, type LineCounter } from 'yaml';

/**
 * The line of the deepest node of `path` written in the file: the key of a mapping entry or the
 * start of a list item, so a problem points where a person has to look. A path that leaves
 * the file (a missing key) stops at its deepest existing part.
 */
export function lineOf(doc: Document, lineCounter: LineCounter, path: readonly PropertyKey[]): number {
  let node: unknown = doc.contents;
  let offset = isMap(node) || isSeq(node) ? (node.range?.[0] ?? 0) : 0;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => (isScalar(item.key) ? String(item.key.value) : String(item.key)) === String(segment));
      if (!pair) break;
      if (isScalar(pair.key) && pair.key.range) offset = pair.key.range[0];
      node = pair.value;
    } else if (isSeq(node)) {
      const item: unknown = node.items[Number(segment)];
      if (!item) break;
      const range = (item as { range?: [number, number, number] }).range;
      if (range) offset = range[0];
      node = item;
    } else break;
  }
  return lineCounter.linePos(offset).line;
}

/**
 * rules[2].scope.team, queues."Billing Tier 1".silo: list indexes in brackets, keys dotted, quoted
 * only when they hold a space, a quote, a bracket or a colon (so "customer.email" and "5158" stay
 * as a person wrote them).
 */
export function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else {
      const key = String(segment);
      text += `${text ? '.' : ''}${/^[^\s"'[\]:]+$/.test(key) ? key : JSON.stringify(key)}`;
    }
  }
  return text;
}
