// Seeded pseudo-random numbers for the simulator. Output must be byte-identical for the same seed, so nothing
// here reads the clock or Math.random; every stream is derived from the seed and a label, which keeps one part
// of the model (say, the certificate registry) unchanged when another part draws more or fewer numbers.

/** 32-bit FNV-1a of a string: turns seed + label into the state of a new stream. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const BASE62 = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const HEX = '0123456789abcdef';
const BASE62_CODES = Uint8Array.from(BASE62, (ch) => ch.charCodeAt(0));
const ID_CODES: number[] = [];
const ID_LIMBS = new Uint32Array(6);

/** sfc32 (Small Fast Chaotic, from PractRand): fast, 128-bit state, good statistical quality. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: string) {
    this.a = fnv1a(`a:${seed}`);
    this.b = fnv1a(`b:${seed}`);
    this.c = fnv1a(`c:${seed}`);
    this.d = 1;
    for (let i = 0; i < 15; i++) this.u32();
  }

  /** A new independent stream for a sub-part of the model. */
  fork(label: string): Rng {
    return new Rng(`${this.u32()}:${label}`);
  }

  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.u32() / 4294967296;
  }

  /** Uniform integer in [lo, hi] (inclusive). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** Poisson-distributed count (Knuth for small means, normal approximation above 30). */
  poisson(mean: number): number {
    if (mean <= 0) return 0;
    if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * this.normal()));
    const limit = Math.exp(-mean);
    let k = 0;
    let p = this.next();
    while (p > limit) {
      k++;
      p *= this.next();
    }
    return k;
  }

  /** Standard normal (Box-Muller). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Exponential with the given mean. */
  exponential(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }

  /** Log-normal around a median, with the given sigma of the underlying normal. */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  /** Geometric count >= 1 with the given mean. */
  geometric(mean: number): number {
    if (mean <= 1) return 1;
    const p = 1 / mean;
    return 1 + Math.floor(Math.log(1 - this.next()) / Math.log(1 - p));
  }

  hex(len: number): string {
    let s = '';
    while (s.length < len) {
      let x = this.u32();
      for (let i = 0; i < 8 && s.length < len; i++) {
        s += HEX[x & 15];
        x >>>= 4;
      }
    }
    return s;
  }

  /** Zeek-style unique id: a prefix letter ('C' connections, 'F' files) and 96 random bits in base62. */
  zeekId(prefix: string): string {
    const c = ID_CODES;
    const limb = ID_LIMBS;
    c.length = 0;
    c.push(prefix.charCodeAt(0));
    // six 16-bit limbs, divided by 62 until nothing is left (at most 17 digits: 62^17 > 2^96); every
    // intermediate stays below 2^22, so this is integer arithmetic
    for (let i = 0; i < 6; i += 2) {
      const x = this.u32();
      limb[i] = x >>> 16;
      limb[i + 1] = x & 0xffff;
    }
    let top = 0;
    while (top < 6) {
      let r = 0;
      for (let i = top; i < 6; i++) {
        const cur = (r << 16) | limb[i]!;
        const q = (cur / 62) | 0;
        limb[i] = q;
        r = cur - q * 62;
      }
      c.push(BASE62_CODES[r]!);
      while (top < 6 && limb[top] === 0) top++;
    }
    return String.fromCharCode(...c);
  }

  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  }
}

/** Weighted choice in O(log n) over fixed weights (cumulative table + binary search). */
export class WeightedTable<T> {
  private readonly cumulative: Float64Array;
  readonly total: number;

  constructor(
    readonly items: readonly T[],
    weights: readonly number[],
  ) {
    if (items.length === 0 || items.length !== weights.length) throw new Error('weighted table needs one weight per item');
    this.cumulative = new Float64Array(items.length);
    let sum = 0;
    for (let i = 0; i < weights.length; i++) {
      const w = weights[i]!;
      if (!(w >= 0)) throw new Error(`negative or invalid weight ${w}`);
      sum += w;
      this.cumulative[i] = sum;
    }
    if (sum <= 0) throw new Error('weighted table with zero total weight');
    this.total = sum;
  }

  pick(rng: Rng): T {
    const x = rng.next() * this.total;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulative[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return this.items[lo]!;
  }
}

/** Zipf weights 1/rank^s for n items: how popularity falls off along a ranked list. */
export function zipfWeights(n: number, s: number): number[] {
  const w: number[] = [];
  for (let i = 1; i <= n; i++) w.push(1 / Math.pow(i, s));
  return w;
}

/**
 * Splits `n` items over shares so that each count is as close to share × n as whole numbers allow
 * (largest remainder). Used where the paper publishes a proportion of devices, so a small hospital still
 * shows it as closely as it can.
 */
export function apportion(n: number, shares: Record<string, number>): Record<string, number> {
  const keys = Object.keys(shares);
  const total = keys.reduce((s, k) => s + shares[k]!, 0);
  const exact = keys.map((k) => (n * shares[k]!) / total);
  const out: Record<string, number> = {};
  let given = 0;
  keys.forEach((k, i) => {
    out[k] = Math.floor(exact[i]!);
    given += out[k];
  });
  const order = keys.map((k, i) => ({ k, r: exact[i]! - Math.floor(exact[i]!), i })).sort((x, y) => y.r - x.r || x.i - y.i);
  for (let j = 0; given < n; j++, given++) {
    const k = order[j % order.length]!.k;
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}
