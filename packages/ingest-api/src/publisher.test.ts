import { describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '@seamline/schemas';
import { boundedPublisher, PublishRefused, type EventPublisher } from './publisher.ts';

// The bound in front of a destination: a destination here is a list of pending acknowledgements
// the test settles by hand, so that "slow" and "gone" are exact.
function heldDestination() {
  const pending: Array<{ events: number; settle: (error?: Error) => void }> = [];
  const publisher: EventPublisher = {
    publish: (events, deadLetters) =>
      new Promise<void>((resolve, reject) => pending.push({ events: events.length + deadLetters.length, settle: (error) => (error ? reject(error) : resolve()) })),
    ready: async () => true,
  };
  return { publisher, pending };
}

const events = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `e${i}` }) as CanonicalEvent);

describe('boundedPublisher', () => {
  it('refuses a request that would take the events in flight over the limit, with Retry-After 1, and takes it once they are stored', async () => {
    const destination = heldDestination();
    const seen: number[] = [];
    const bounded = boundedPublisher(destination.publisher, { maxInFlightEvents: 100, timeoutMs: 60_000 }, (n) => seen.push(n));
    const first = bounded.publish(events(80), []);
    const refused = await bounded.publish(events(30), []).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(PublishRefused);
    expect((refused as PublishRefused).retryAfterSeconds).toBe(1);
    expect(destination.pending).toHaveLength(1); // the refused request never reached the destination
    destination.pending[0]!.settle();
    await first;
    await new Promise((r) => setImmediate(r));
    const second = bounded.publish(events(30), []);
    destination.pending[1]!.settle();
    await second;
    await new Promise((r) => setImmediate(r));
    expect(seen).toEqual([80, 0, 30, 0]);
  });

  it('lets one request larger than the limit through when nothing else is in flight', async () => {
    const destination = heldDestination();
    const bounded = boundedPublisher(destination.publisher, { maxInFlightEvents: 10, timeoutMs: 60_000 });
    const big = bounded.publish(events(50), []);
    destination.pending[0]!.settle();
    await expect(big).resolves.toBeUndefined();
  });

  it('answers a publish the destination does not acknowledge in time as refused (Retry-After 5), and counts its events until it does', async () => {
    const destination = heldDestination();
    const seen: number[] = [];
    const bounded = boundedPublisher(destination.publisher, { maxInFlightEvents: 100, timeoutMs: 50 }, (n) => seen.push(n));
    const late = await bounded.publish(events(60), []).catch((error: unknown) => error);
    expect(late).toBeInstanceOf(PublishRefused);
    expect((late as PublishRefused).retryAfterSeconds).toBe(5);
    // Still held by the destination: a second large request is refused for capacity.
    await expect(bounded.publish(events(60), [])).rejects.toMatchObject({ retryAfterSeconds: 1 });
    destination.pending[0]!.settle(new Error('broker gone'));
    await new Promise((r) => setImmediate(r));
    expect(seen.at(-1)).toBe(0);
  });
});
