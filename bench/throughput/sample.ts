import { generateEvents, type Order } from '@seamline/generator';
import { DEFAULT_BLOCKED_VALUES, validateCanonicalEvent, type CanonicalEvent } from '@seamline/schemas';

/**
 * The generated sample as ingest accepts it: each event through JSON (ingest parses a request
 * body) and the same validation and normalisation, with the default blocked identifiers. The
 * same seed, count and order give the same events in every process, so the stitcher's input,
 * the bulk insert's rows and the load's requests are one sample. Streams: nothing is kept.
 */
export function* acceptedSample(events: number, seed: number, order: Order = 'time'): Generator<CanonicalEvent, void, undefined> {
  for (const input of generateEvents({ events, seed, order })) {
    const validation = validateCanonicalEvent(JSON.parse(JSON.stringify(input)), { blockedIdentifiers: DEFAULT_BLOCKED_VALUES });
    // The generator's events are all valid unless asked for defects; one that is not is a bug here.
    if (!validation.ok) throw new Error(`generated event ${input.id} rejected: ${validation.rejection.reason} (${validation.rejection.path})`);
    yield validation.event;
  }
}

/** Up to `size` items of an iterator; an empty array once it is exhausted. */
export function take<T>(iterator: Iterator<T>, size: number): T[] {
  const items: T[] = [];
  while (items.length < size) {
    const next = iterator.next();
    if (next.done) break;
    items.push(next.value);
  }
  return items;
}
