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

/** splitmix32's step: spreads one 32-bit state over well-mixed words, so that seeds 1 and 2 diverge at once. */
function splitmix32(state: number): number {
  let mixed = state ^ (state >>> 16);
  mixed = Math.imul(mixed, 0x21f0aaad);
  mixed ^= mixed >>> 15;
  mixed = Math.imul(mixed, 0x735a2d97);
  return (mixed ^ (mixed >>> 15)) >>> 0;
}

const GOLDEN = 0x9e3779b9;

/**
 * sfc32 as a class: the generator makes one for every chapter of every customer, and methods on
 * the prototype cost nothing per instance where closures would.
 */
class Sfc32 implements Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seedWord: number) {
    let state = seedWord | 0;
    state = (state + GOLDEN) | 0;
    this.a = splitmix32(state);
    state = (state + GOLDEN) | 0;
    this.b = splitmix32(state);
    state = (state + GOLDEN) | 0;
    this.c = splitmix32(state);
    state = (state + GOLDEN) | 0;
    this.d = splitmix32(state);
    // The first outputs of sfc32 still echo the seed words; the reference implementation skips them.
    for (let i = 0; i < 12; i++) this.word();
  }

  private word(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  next(): number {
    return this.word() / TWO_TO_32;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick: the list is empty');
    return items[this.int(0, items.length - 1)] as T;
  }

  weighted<T>(choices: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, weight] of choices) total += weight;
    let left = this.next() * total;
    for (const [choice, weight] of choices) {
      left -= weight;
      if (left < 0) return choice;
    }
    const last = choices[choices.length - 1];
    if (last === undefined) throw new RangeError('weighted: no choices');
    return last[0];
  }
}

/**
 * A generator for `seed` (any safe integer). `stream` gives independent sequences from one seed,
 * so that an optional feature can draw numbers without shifting everything else.
 */
export function createRandom(seed: number, stream = 0): Random {
  const low = seed >>> 0;
  const high = Math.floor(seed / TWO_TO_32) >>> 0;
  return new Sfc32(low ^ Math.imul(high, 0x85ebca6b) ^ Math.imul(stream + 1, 0xc2b2ae35));
}

const ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** Letters and digits, as in the random part of Stripe ids. */
export function randomText(random: Random, length: number): string {
  const codes = new Array<number>(length);
  for (let i = 0; i < length; i++) codes[i] = ALPHANUMERIC.charCodeAt(random.int(0, ALPHANUMERIC.length - 1));
  // One flat string: appending letter by letter would leave a chain of pieces that outlives the call.
  return String.fromCharCode(...codes);
}
