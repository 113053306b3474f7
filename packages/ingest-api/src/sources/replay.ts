import { validateCanonicalEvent, type CanonicalEvent, type DeadLetter } from '@seamline/schemas';
import { UNAUTHENTICATED } from '../routes/sources.ts';
import { takeInSourcePayload, type SourceIntake } from './intake.ts';
import type { Translate } from './translators.ts';

export interface ReplayPlan {
  /** Letters that pass now, and the events they describe. */
  passing: { letter: DeadLetter; events: CanonicalEvent[] }[];
  /** Letters that still fail, each with its new reason and path. */
  failing: DeadLetter[];
}

/** Runs a dead letter's payload through the intake of the source it came from, as it is now. */
export function retranslate(letter: DeadLetter, translators: ReadonlyMap<string, Translate>, blocked?: readonly string[]): SourceIntake {
  if (letter.reason.startsWith(UNAUTHENTICATED)) {
    return { ok: false, reason: letter.reason, path: letter.path }; // never trust bytes no source signed
  }
  const translate = translators.get(letter.source.replace(/^unknown:/, ''));
  if (translate) return takeInSourcePayload(letter.payload, translate, blocked);
  // Canonical events (HTTP, files, Kafka): each letter holds one event as received.
  let raw: unknown;
  try {
    raw = JSON.parse(letter.payload);
  } catch {
    return { ok: false, reason: letter.reason, path: letter.path };
  }
  const validation = validateCanonicalEvent(raw, { blockedIdentifiers: blocked });
  return validation.ok ? { ok: true, events: [validation.event] } : { ok: false, ...validation.rejection };
}

/** Decides what a replay does with each letter; the caller stores events and updates letters. */
export function planReplay(letters: DeadLetter[], translators: ReadonlyMap<string, Translate>, blocked?: readonly string[]): ReplayPlan {
  const plan: ReplayPlan = { passing: [], failing: [] };
  for (const letter of letters) {
    const intake = retranslate(letter, translators, blocked);
    if (intake.ok) plan.passing.push({ letter, events: intake.events });
    else plan.failing.push({ ...letter, reason: intake.reason, path: intake.path });
  }
  return plan;
}
