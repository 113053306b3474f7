import { validateCanonicalEvent, type CanonicalEvent } from '@seamline/schemas';
import type { Translate } from './translators.ts';

export type SourceIntake =
  | { ok: true; events: CanonicalEvent[] }
  | { ok: false; reason: string; path: string };

/**
 * A source payload is accepted whole or kept whole as a dead letter, never both: if any event
 * it describes fails validation, none is accepted, and a replay after the fix takes it all.
 */
export function takeInSourcePayload(text: string, translate: Translate, blockedIdentifiers?: readonly string[]): SourceIntake {
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `body is not valid JSON: ${(error as Error).message}`, path: '' };
  }
  const translation = translate(payload);
  if (!translation.ok) return translation;
  const events: CanonicalEvent[] = [];
  for (const [index, input] of translation.events.entries()) {
    const validation = validateCanonicalEvent(input, { blockedIdentifiers });
    if (!validation.ok) {
      const { reason, path } = validation.rejection;
      return { ok: false, reason: `event ${index} (${input.id}): ${reason}`, path };
    }
    events.push(validation.event);
  }
  return { ok: true, events };
}
