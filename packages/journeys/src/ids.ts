import { hash } from 'node:crypto';

/**
 * A short id derived from a key: the same key always gives the same id, so recomputing from the
 * same data gives the same ids. Hashed rather than the key itself because customer keys are
 * e-mail addresses and phone numbers. 64 bits of SHA-256 keep collisions negligible at the scale
 * of one organisation's customers.
 */
export function stableId(prefix: string, key: string): string {
  return `${prefix}_${hash('sha256', key, 'hex').slice(0, 16)}`;
}
