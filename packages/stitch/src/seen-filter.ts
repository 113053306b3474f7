/**
 * The keys ever stored, as a scalable Bloom filter: `mayHave` never answers false for a key
 * that was added, and answers true for a key never added with a small probability. The stitcher
 * asks it whether an event id, identifier or ticket may already be in ClickHouse: a "no" saves
 * the read, a "maybe" pays it. About 10 bits a key at the default error rate.
 *
 * It grows by layers: when the newest is full, a layer of twice its capacity (and a tighter error
 * rate, so the sum stays bounded) is added, so no capacity has to be known in advance.
 */
export class SeenFilter {
  private layers: Layer[] = [];
  private added = 0;

  constructor(
    private readonly firstCapacity = 1 << 20,
    private readonly errorRate = 0.001,
  ) {}

  add(key: string): void {
    let layer = this.layers[this.layers.length - 1];
    if (!layer || layer.count >= layer.capacity) {
      const n = this.layers.length;
      layer = new Layer(this.firstCapacity * 2 ** n, this.errorRate / 2 ** (n + 1));
      this.layers.push(layer);
    }
    const [h1, h2] = hashes(key);
    layer.add(h1, h2);
    this.added += 1;
  }

  mayHave(key: string): boolean {
    if (this.layers.length === 0) return false;
    const [h1, h2] = hashes(key);
    for (const layer of this.layers) if (layer.has(h1, h2)) return true;
    return false;
  }

  clear(): void {
    this.layers = [];
    this.added = 0;
  }

  /** Keys added (a key added twice counts twice). */
  get size(): number {
    return this.added;
  }

  get bytes(): number {
    return this.layers.reduce((sum, layer) => sum + layer.bytes, 0);
  }
}

class Layer {
  private readonly bits: Uint32Array;
  private readonly m: number;
  private readonly k: number;
  count = 0;

  constructor(
    readonly capacity: number,
    errorRate: number,
  ) {
    this.m = Math.max(64, Math.ceil((-capacity * Math.log(errorRate)) / Math.LN2 ** 2));
    this.k = Math.max(1, Math.round((this.m / capacity) * Math.LN2));
    this.bits = new Uint32Array(Math.ceil(this.m / 32));
  }

  add(h1: number, h2: number): void {
    for (let i = 0; i < this.k; i++) {
      const bit = (h1 + i * h2) % this.m;
      this.bits[bit >>> 5]! |= 1 << (bit & 31);
    }
    this.count += 1;
  }

  has(h1: number, h2: number): boolean {
    for (let i = 0; i < this.k; i++) {
      const bit = (h1 + i * h2) % this.m;
      if ((this.bits[bit >>> 5]! & (1 << (bit & 31))) === 0) return false;
    }
    return true;
  }

  get bytes(): number {
    return this.bits.byteLength;
  }
}

const pair: [number, number] = [0, 0];

/** Two independent 32-bit hashes of the string's code units (FNV-1a and a multiply-xorshift). */
function hashes(key: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 13;
  }
  b = Math.imul(b ^ (b >>> 15), 0x2c1b3c6d);
  pair[0] = a >>> 0;
  // An odd step visits distinct bits for every i < m when m is a power of two, and rarely
  // repeats otherwise.
  pair[1] = (b | 1) >>> 0;
  return pair;
}
