// Rows of one hourly file, written as UTF-8 bytes straight into one growing buffer (numbers and plain ASCII
// never become JS strings), with each row's timestamp in a typed array beside it; emitted sorted by time.
// Keeping finished rows as bytes rather than strings or objects is what lets the simulator write hundreds
// of thousands of rows per second without the garbage collector taking over.

const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
/** "00" to "99" as byte pairs. */
const PAIRS = Uint8Array.from({ length: 200 }, (_, i) => ZERO + (i & 1 ? (i >> 1) % 10 : Math.floor((i >> 1) / 10)));

export class LineStore {
  private buf: Buffer;
  private pos = 0;
  private ts = new Float64Array(256);
  private off = new Uint32Array(256);
  private readonly digits = new Uint8Array(24);
  n = 0;

  /** `expectedBytes`: a guess at the final size (the previous hour's), so the buffer rarely has to grow. */
  constructor(expectedBytes = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(Math.max(16 * 1024, Math.ceil(expectedBytes * 1.25)));
  }

  /** Bytes of rows so far. */
  get bytes(): number {
    return this.pos;
  }

  private grow(need: number): void {
    const b = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + need + 8192));
    this.buf.copy(b, 0, 0, this.pos);
    this.buf = b;
  }

  /** Makes room for `bytes` more. */
  reserve(bytes: number): void {
    if (this.pos + bytes > this.buf.length) this.grow(bytes);
  }

  /** Starts a row sorted by `ts`; rows are expected to be shorter than 8 KiB unless `reserve` is called. */
  begin(ts: number): void {
    if (this.n === this.ts.length) {
      const ts2 = new Float64Array(this.n * 2);
      ts2.set(this.ts);
      this.ts = ts2;
      const off2 = new Uint32Array(this.n * 2);
      off2.set(this.off);
      this.off = off2;
    }
    this.reserve(8192);
    this.off[this.n] = this.pos;
    this.ts[this.n++] = ts;
  }

  end(): void {
    this.buf[this.pos++] = 0x0a;
  }

  /** The write position, to undo a speculative write with `reset`. */
  mark(): number {
    return this.pos;
  }

  reset(mark: number): void {
    this.pos = mark;
  }

  byte(b: number): void {
    this.buf[this.pos++] = b;
  }

  /** Text the caller knows is 7-bit ASCII. */
  ascii(s: string): void {
    if (this.pos + s.length > this.buf.length) this.grow(s.length);
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < s.length; i++) b[p++] = s.charCodeAt(i);
    this.pos = p;
  }

  /** Any text, encoded as UTF-8. */
  utf8(s: string): void {
    this.reserve(s.length * 3);
    this.pos += this.buf.write(s, this.pos);
  }

  /**
   * Writes `s` if every character is printable ASCII other than `stop1`/`stop2` (character codes that
   * would need escaping); returns false, having written nothing, otherwise.
   */
  plain(s: string, stop1: number, stop2: number): boolean {
    if (this.pos + s.length > this.buf.length) this.grow(s.length);
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x20 || c > 0x7e || c === 0x5c || c === stop1 || c === stop2) return false;
      b[p++] = c;
    }
    this.pos = p;
    return true;
  }

  /** A non-negative integer (up to 2^53). */
  uint(n: number): void {
    if (n < 0x80000000) return this.small(n | 0);
    const d = this.digits;
    let k = 0;
    do {
      const q = Math.floor(n / 10);
      d[k++] = ZERO + (n - q * 10);
      n = q;
    } while (n > 0);
    const b = this.buf;
    let p = this.pos;
    while (k > 0) b[p++] = d[--k]!;
    this.pos = p;
  }

  /** A non-negative int32, two digits at a time (integer division is much cheaper than on doubles). */
  private small(n: number): void {
    const d = this.digits;
    let k = 0;
    while (n >= 100) {
      const q = (n / 100) | 0;
      const r = (n - q * 100) << 1;
      d[k++] = PAIRS[r + 1]!;
      d[k++] = PAIRS[r]!;
      n = q;
    }
    if (n >= 10) {
      d[k++] = ZERO + (n % 10);
      d[k++] = ZERO + ((n / 10) | 0);
    } else d[k++] = ZERO + n;
    const b = this.buf;
    let p = this.pos;
    while (k > 0) b[p++] = d[--k]!;
    this.pos = p;
  }

  /** Microseconds as seconds with exactly six decimals (Zeek's time and interval). */
  micros(us: number): void {
    if (us < 0) {
      this.byte(MINUS);
      us = -us;
    }
    const s = Math.floor(us / 1e6);
    let f = us - s * 1e6;
    this.uint(s);
    const b = this.buf;
    const p = this.pos;
    b[p] = DOT;
    // six digits, two at a time
    for (let i = 5; i >= 1; i -= 2) {
      const q = (f / 100) | 0;
      const r = (f - q * 100) << 1;
      b[p + i] = PAIRS[r]!;
      b[p + i + 1] = PAIRS[r + 1]!;
      f = q;
    }
    this.pos = p + 7;
  }

  /** The rows in time order (ties keep insertion order), between an optional header and footer. */
  toBuffer(header: string | null, footer: string | null): Buffer {
    const n = this.n;
    const order = this.sortedOrder();
    let inOrder = true;
    for (let k = 0; k < n && inOrder; k++) inOrder = order[k] === k;
    const head = header ? Buffer.from(header) : null;
    const foot = footer ? Buffer.from(footer) : null;
    const out = Buffer.allocUnsafe((head?.length ?? 0) + this.pos + (foot?.length ?? 0));
    let o = 0;
    if (head) o += head.copy(out, 0);
    const src = this.buf;
    if (inOrder) o += src.copy(out, o, 0, this.pos);
    else {
      for (let k = 0; k < n; k++) {
        const i = order[k]!;
        o += src.copy(out, o, this.off[i]!, i + 1 < n ? this.off[i + 1]! : this.pos);
      }
    }
    if (foot) foot.copy(out, o);
    return out;
  }

  /**
   * Row indices by time, ties in insertion order: a counting sort by whole second (an hour's rows spread
   * over 3600 of them), then insertion sort within each second. Linear in practice, and stable.
   */
  private sortedOrder(): Uint32Array {
    const n = this.n;
    const ts = this.ts;
    let min = Infinity;
    for (let i = 0; i < n; i++) if (ts[i]! < min) min = ts[i]!;
    const buckets = 4096;
    const bucket = new Uint16Array(n);
    const start = new Uint32Array(buckets + 1);
    for (let i = 0; i < n; i++) {
      const b = Math.min(buckets - 1, Math.floor((ts[i]! - min) / 1e6));
      bucket[i] = b;
      start[b + 1]!++;
    }
    for (let b = 0; b < buckets; b++) start[b + 1]! += start[b]!;
    const order = new Uint32Array(n);
    const fill = start.slice(0, buckets);
    for (let i = 0; i < n; i++) order[fill[bucket[i]!]!++] = i;
    for (let b = 0; b < buckets; b++) {
      for (let k = start[b]! + 1; k < start[b + 1]!; k++) {
        const i = order[k]!;
        const t = ts[i]!;
        let j = k - 1;
        while (j >= start[b]! && ts[order[j]!]! > t) {
          order[j + 1] = order[j]!;
          j--;
        }
        order[j + 1] = i;
      }
    }
    return order;
  }

  /** The rows as text, in insertion order (for tests). */
  text(): string {
    return this.buf.toString('utf8', 0, this.pos);
  }
}
