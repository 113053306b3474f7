/**
 * A small seeded pseudo-random generator: sfc32, seeded through splitmix32.
 *
 * Math.random() cannot be seeded, and the sample must come out byte-identical for the same seed
 * on every machine. sfc32 is fast (a handful of 32-bit operations per draw) and has 128 bits of
 * state, plenty for a few million draws. Not for anything secret.
 */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max], both ends included. */
  int(min: number, max: number): number;
  /** True with the given probability. */
  chance(probability: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** One of the choices, each as likely as its weight. */
  weighted<T>(choices: readonly (readonly [T, number])[]): T;
}

const TWO_TO_32 = 4294967296;

/** splitmix32: spreads one 32-bit seed over well-mixed words, so that seeds 1 and 2 diverge at once. */
function splitmix32(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x9e3779b9) | 0;
    let mixed = state ^ (state >>> 16);
    mixed = Math.imul(mixed, 0x21f0aaad);
    mixed ^= mixed >>> 15;
    mixed = Math.imul(mixed, 0x735a2d97);
    return (mixed ^ (mixed >>> 15)) >>> 0;
  };
}

/**
 * A generator for `seed` (any safe integer). `stream` gives independent sequences from one seed,
 * so that an optional feature can draw numbers without shifting everything else.
 */
export function createRandom(seed: number, stream = 0): Random {
  const low = seed >>> 0;
  const high = Math.floor(seed / TWO_TO_32) >>> 0;
  const words = splitmix32(low ^ Math.imul(high, 0x85ebca6b) ^ Math.imul(stream + 1, 0xc2b2ae35));
  let a = words();
  let b = words();
  let c = words();
  let d = words();

  const nextWord = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  // The first outputs of sfc32 still echo the seed words; the reference implementation skips them.
  for (let i = 0; i < 12; i++) nextWord();

  const next = (): number => nextWord() / TWO_TO_32;
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));

  return {
    next,
    int,
    chance: (probability) => next() < probability,
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new RangeError('pick: the list is empty');
      return items[int(0, items.length - 1)] as T;
    },
    weighted<T>(choices: readonly (readonly [T, number])[]): T {
      let total = 0;
      for (const [, weight] of choices) total += weight;
      let left = next() * total;
      for (const [choice, weight] of choices) {
        left -= weight;
        if (left < 0) return choice;
      }
      const last = choices[choices.length - 1];
      if (last === undefined) throw new RangeError('weighted: no choices');
      return last[0];
    },
  };
}

const ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** Letters and digits, as in the random part of Stripe ids. */
export function randomText(random: Random, length: number): string {
  let text = '';
  for (let i = 0; i < length; i++) text += ALPHANUMERIC[random.int(0, ALPHANUMERIC.length - 1)];
  return text;
}
