// The breach state machine of one rule and scope, pure: the previous state and what an
// evaluation saw give the next state and the one message to send, if any.
//
//   ok (or never evaluated) ──breach──▶ breached   sends one alert
//   breached ──breach──▶ breached                   sends nothing
//   breached ──no breach──▶ ok                      sends one recovery
//   insufficient data                               changes nothing, sends nothing
//
// Insufficient data (too few contacts, or a rate without a denominator) keeps the state: a
// team that went quiet has not recovered, and a breach is not declared on a handful of contacts.

export type BreachStatus = 'ok' | 'breached';

export interface BreachState {
  state: BreachStatus;
  /** When the state was entered (ISO). */
  since: string;
  /** The figure of the last evaluation with data. */
  lastValue: number | null;
}

/** What an evaluation saw: a figure on either side of the threshold, or not enough to judge. */
export type Observation = { kind: 'value'; value: number; breached: boolean } | { kind: 'insufficient'; reason: string };

export type BreachMessage = 'alert' | 'recovery';

/** The state to store (none when nothing changes) and the message that must be delivered first. */
export interface BreachStep {
  next: BreachState | undefined;
  message: BreachMessage | undefined;
}

export function nextBreachState(previous: BreachState | undefined, observation: Observation, now: Date): BreachStep {
  if (observation.kind === 'insufficient') return { next: undefined, message: undefined };
  const lastValue = observation.value;
  const wasBreached = previous?.state === 'breached';
  if (observation.breached) {
    return wasBreached
      ? { next: { state: 'breached', since: previous!.since, lastValue }, message: undefined }
      : { next: { state: 'breached', since: now.toISOString(), lastValue }, message: 'alert' };
  }
  if (wasBreached) return { next: { state: 'ok', since: now.toISOString(), lastValue }, message: 'recovery' };
  return { next: { state: 'ok', since: previous?.since ?? now.toISOString(), lastValue }, message: undefined };
}
