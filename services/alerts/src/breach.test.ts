import { describe, expect, it } from 'vitest';
import { nextBreachState, type BreachState } from './breach.ts';

const t0 = new Date('2026-03-09T08:00:00.000Z');
const t1 = new Date('2026-03-09T08:05:00.000Z');
const breach = (value: number) => ({ kind: 'value' as const, value, breached: true });
const fine = (value: number) => ({ kind: 'value' as const, value, breached: false });
const insufficient = { kind: 'insufficient' as const, reason: 'insufficient data: 2 contacts, the rule needs 20' };
const ok: BreachState = { state: 'ok', since: '2026-03-01T00:00:00.000Z', lastValue: 0.1 };
const breached: BreachState = { state: 'breached', since: '2026-03-08T00:00:00.000Z', lastValue: 0.5 };

describe('the breach state machine', () => {
  it('alerts once when a rule that was ok, or never evaluated, breaches', () => {
    expect(nextBreachState(ok, breach(0.4), t0)).toEqual({ next: { state: 'breached', since: t0.toISOString(), lastValue: 0.4 }, message: 'alert' });
    expect(nextBreachState(undefined, breach(0.4), t0)).toEqual({ next: { state: 'breached', since: t0.toISOString(), lastValue: 0.4 }, message: 'alert' });
  });

  it('sends nothing while the breach lasts, and keeps when it began', () => {
    const first = nextBreachState(ok, breach(0.4), t0);
    expect(nextBreachState(first.next, breach(0.45), t1)).toEqual({ next: { state: 'breached', since: t0.toISOString(), lastValue: 0.45 }, message: undefined });
  });

  it('sends one recovery when a breached rule clears, and nothing while it stays clear', () => {
    const recovered = nextBreachState(breached, fine(0.2), t0);
    expect(recovered).toEqual({ next: { state: 'ok', since: t0.toISOString(), lastValue: 0.2 }, message: 'recovery' });
    expect(nextBreachState(recovered.next, fine(0.1), t1)).toEqual({ next: { state: 'ok', since: t0.toISOString(), lastValue: 0.1 }, message: undefined });
  });

  it('records a first evaluation within the threshold without a message', () => {
    expect(nextBreachState(undefined, fine(0.1), t0)).toEqual({ next: { state: 'ok', since: t0.toISOString(), lastValue: 0.1 }, message: undefined });
  });

  it('changes nothing on insufficient data: no alert on a tiny sample, no recovery for a team gone quiet', () => {
    expect(nextBreachState(undefined, insufficient, t0)).toEqual({ next: undefined, message: undefined });
    expect(nextBreachState(ok, insufficient, t0)).toEqual({ next: undefined, message: undefined });
    expect(nextBreachState(breached, insufficient, t0)).toEqual({ next: undefined, message: undefined });
  });

  it('alerts again for a new breach after a recovery', () => {
    const steps = [breach(0.4), breach(0.5), fine(0.2), breach(0.6)].reduce<{ state: BreachState | undefined; messages: (string | undefined)[] }>(
      (acc, observation, i) => {
        const step = nextBreachState(acc.state, observation, new Date(t0.getTime() + i * 300_000));
        return { state: step.next ?? acc.state, messages: [...acc.messages, step.message] };
      },
      { state: undefined, messages: [] },
    );
    expect(steps.messages).toEqual(['alert', undefined, 'recovery', 'alert']);
  });
});
