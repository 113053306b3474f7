import { describe, expect, it } from 'vitest';
import { makeDeadLetter, MAX_DEAD_LETTER_PAYLOAD_BYTES } from './dead-letter.ts';

const encoded = (text: string) => Buffer.byteLength(JSON.stringify(text));

describe('makeDeadLetter', () => {
  it('keeps a payload whole when it fits in a message, and names the same input by the same id', () => {
    const payload = `{"id":"${'x'.repeat(900_000)}"}`;
    const letter = makeDeadLetter('http', payload, 'id: too long', 'id');
    expect(letter.payload).toBe(payload);
    expect(letter.reason).toBe('id: too long');
    expect(makeDeadLetter('http', payload, 'other reason', 'id').id).toBe(letter.id);
    expect(makeDeadLetter('cli', payload, 'id: too long', 'id').id).not.toBe(letter.id);
  });

  it('keeps the start of a payload too large for a message and says so in the reason', () => {
    const payload = 'ab\u0001'.repeat(1_000_000);
    const letter = makeDeadLetter('http', payload, 'body is not valid JSON', '');
    expect(encoded(letter.payload)).toBeLessThanOrEqual(MAX_DEAD_LETTER_PAYLOAD_BYTES);
    // As much as fits: one more character would not.
    expect(encoded(payload.slice(0, letter.payload.length + 1))).toBeGreaterThan(MAX_DEAD_LETTER_PAYLOAD_BYTES);
    expect(payload.startsWith(letter.payload)).toBe(true);
    expect(letter.reason).toBe(`body is not valid JSON (payload of 3000000 bytes, its first ${Buffer.byteLength(letter.payload)} kept)`);
    // Two large payloads with the same start stay two letters.
    expect(makeDeadLetter('http', `${payload}!`, 'body is not valid JSON', '').id).not.toBe(letter.id);
  });

  it('never cuts a character in half', () => {
    const payload = '😀'.repeat(600_000);
    const letter = makeDeadLetter('http', payload, 'r', '');
    expect(letter.payload.length % 2).toBe(0);
    expect(letter.payload).toBe('😀'.repeat(letter.payload.length / 2));
  });
});
