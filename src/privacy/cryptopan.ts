// Crypto-PAn: prefix-preserving, one-to-one, keyed pseudonymisation of IP addresses (J. Xu, J. Fan, M. Ammar,
// S. Moon, "Prefix-Preserving IP Address Anonymization", ICNP 2002), bit-compatible with the reference C++
// implementation for IPv4 and with the Go (Yawning/cryptopan), Python (yacryptopan) and C (libanon) ports,
// which extend the same construction to the 128 bits of IPv6.
//
// Key: 32 bytes. The first 16 are the AES-128 key; the last 16, encrypted once, are the pad. Bit i of the
// output is bit i of the input XOR the most significant bit of AES(first i input bits ‖ pad bits i..127).
// Bit i therefore depends only on the bits before it: a k-bit common prefix stays a k-bit common prefix.
//
// Speed: the 32 (IPv4) or 128 (IPv6) AES inputs of an address depend on the address alone, not on earlier
// outputs, so they are laid out in one buffer and encrypted by a single update() of one long-lived AES-ECB
// cipher (never finalised: ECB has no chaining state). Batches put many addresses into one update().
import { createCipheriv, hkdfSync, type Cipher } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { UsageError } from '../util/errors.ts';
import { formatAddress, maskBytes, parseAddress, parseNetwork } from './addresses.ts';

export const KEY_BYTES = 32;
const BLOCK = 16;
/** AES blocks per update() in the batch paths: 8192 blocks (128 KiB) hold 256 IPv4 or 64 IPv6 addresses. */
const BATCH_BITS = 8192;

/** PREFIX_MASKS[k]: a 32-bit word whose first k bits in network (memory) order are set, in native order. */
const PREFIX_MASKS = (() => {
  const masks = new Uint32Array(32);
  const bytes = new Uint8Array(masks.buffer);
  for (let k = 0; k < 32; k++) {
    for (let b = 0; b < 4; b++) bytes[k * 4 + b] = (0xff00 >> Math.max(0, Math.min(8, k - b * 8))) & 0xff;
  }
  return masks;
})();

/** Read a Crypto-PAn key file: exactly 32 raw bytes, or 64 hexadecimal characters and an optional newline. */
export function loadKey(file: string): Buffer {
  let data: Buffer;
  try {
    // a device or a huge file by mistake (--key-file /dev/urandom) must not hang or fill memory
    const st = statSync(file);
    if (!st.isFile() || st.size > 1024) {
      throw new UsageError(`key file ${file}: not a regular file of 32 raw bytes or 64 hexadecimal characters`);
    }
    data = readFileSync(file);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`cannot read key file ${file}: ${(e as Error).message}`);
  }
  return parseKey(data, `key file ${file}`);
}

/** The key bytes of a key file's content; `source` names the file in errors (the key itself never appears). */
export function parseKey(data: Uint8Array, source = 'key'): Buffer {
  if (data.length === KEY_BYTES) return Buffer.from(data);
  let text = Buffer.from(data).toString('latin1');
  if (text.endsWith('\r\n')) text = text.slice(0, -2);
  else if (text.endsWith('\n')) text = text.slice(0, -1);
  if (text.length === KEY_BYTES * 2) {
    if (/^[0-9a-fA-F]+$/.test(text)) return Buffer.from(text, 'hex');
    throw new UsageError(`${source}: 64 characters but not all hexadecimal; expected 32 raw bytes or 64 hex characters`);
  }
  throw new UsageError(
    `${source}: ${data.length} bytes; expected exactly 32 raw bytes or 64 hexadecimal characters (optionally followed by a newline)`,
  );
}

/**
 * A short public identifier of a key (HKDF-SHA256 output, 16 hex digits): lets a store record which key it
 * was pseudonymised with, so a different key or none can be refused, without revealing anything of the key.
 */
export function keyFingerprint(key: Uint8Array): string {
  checkKey(key);
  return Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), 'dhai key fingerprint v1', 8)).toString('hex');
}

function checkKey(key: Uint8Array): void {
  if (key.length !== KEY_BYTES) throw new RangeError(`a Crypto-PAn key has ${KEY_BYTES} bytes, not ${key.length}`);
}

export class CryptoPAn {
  readonly #cipher: Cipher;
  readonly #pad: Uint8Array;
  readonly #pad32: Uint32Array;
  /**
   * AES input scratch per address width, pre-filled with the pad in every block; a use rewrites only the
   * first `width` bytes of each block, so the two widths must not share one (IPv6 would leave its bytes in
   * the IPv4 blocks' pad). Written as 32-bit words in memory order (a quarter of the stores of bytes).
   */
  readonly #scratch: Record<4 | 16, Uint32Array> = { 4: new Uint32Array(0), 16: new Uint32Array(0) };
  /** The current address as words, aligned for the Uint32Array view. */
  readonly #addr32 = new Uint32Array(4);
  readonly #addr8 = new Uint8Array(this.#addr32.buffer);

  constructor(key: Uint8Array) {
    checkKey(key);
    this.#cipher = createCipheriv('aes-128-ecb', key.subarray(0, 16), null).setAutoPadding(false);
    this.#pad = Uint8Array.from(this.#cipher.update(key.subarray(16, 32)));
    this.#pad32 = new Uint32Array(this.#pad.buffer.slice(0, 16));
  }

  #padded(blocks: number): Uint32Array {
    const words = new Uint32Array(blocks * 4);
    for (let i = 0; i < blocks; i++) words.set(this.#pad32, i * 4);
    return words;
  }

  /**
   * Pseudonymise `count` addresses of `width` bytes (4 or 16) laid end to end in `input`; results go to
   * `output` at the same offsets. The core every other method uses.
   */
  mapFlat(input: Uint8Array, width: 4 | 16, output: Uint8Array = new Uint8Array(input.length)): Uint8Array {
    const bits = width * 8;
    const words = width / 4;
    const count = input.length / width;
    if (!Number.isInteger(count)) throw new RangeError(`input length ${input.length} is not a multiple of ${width}`);
    const perRun = Math.max(1, Math.floor(BATCH_BITS / bits));
    const pad32 = this.#pad32;
    const a32 = this.#addr32;
    for (let first = 0; first < count; first += perRun) {
      const n = Math.min(perRun, count - first);
      const blocks = n * bits;
      if (this.#scratch[width].length < blocks * 4) this.#scratch[width] = this.#padded(blocks);
      const s = this.#scratch[width];
      for (let a = 0; a < n; a++) {
        this.#addr8.set(input.subarray((first + a) * width, (first + a + 1) * width));
        for (let p = 0; p < bits; p++) {
          // block for bit p: the first p address bits, then the pad's bits
          const off = (a * bits + p) * 4;
          const w = p >> 5;
          for (let i = 0; i < w; i++) s[off + i] = a32[i]!;
          const m = PREFIX_MASKS[p & 31]!;
          s[off + w] = (a32[w]! & m) | (pad32[w]! & ~m);
          for (let i = w + 1; i < words; i++) s[off + i] = pad32[i]!;
        }
      }
      const enc = this.#cipher.update(new Uint8Array(s.buffer, 0, blocks * BLOCK));
      for (let a = 0; a < n; a++) {
        const dst = (first + a) * width;
        for (let byte = 0; byte < width; byte++) {
          let flips = 0;
          const base = (a * bits + byte * 8) * BLOCK;
          for (let bit = 0; bit < 8; bit++) flips = (flips << 1) | (enc[base + bit * BLOCK]! >> 7);
          output[dst + byte] = input[dst + byte]! ^ flips;
        }
      }
    }
    return output;
  }

  /** Pseudonymise one address given as 4 or 16 bytes (16 bytes always use the 128-bit scheme). */
  mapBytes(bytes: Uint8Array): Uint8Array {
    if (bytes.length !== 4 && bytes.length !== 16) throw new RangeError(`an address has 4 or 16 bytes, not ${bytes.length}`);
    return this.mapFlat(bytes, bytes.length);
  }

  /** Pseudonymise a 32-bit IPv4 value. */
  mapIPv4(value: number): number {
    const out = this.mapFlat(Uint8Array.of(value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff), 4);
    return ((out[0]! << 24) | (out[1]! << 16) | (out[2]! << 8) | out[3]!) >>> 0;
  }

  /** Pseudonymise many 32-bit IPv4 values at once (the fast path for a column of distinct addresses). */
  mapIPv4Many(values: Uint32Array): Uint32Array {
    const flat = new Uint8Array(values.length * 4);
    const view = new DataView(flat.buffer);
    values.forEach((v, i) => view.setUint32(i * 4, v));
    const out = this.mapFlat(flat, 4);
    const outView = new DataView(out.buffer, out.byteOffset, out.byteLength);
    return Uint32Array.from({ length: values.length }, (_, i) => outView.getUint32(i * 4));
  }

  /**
   * Pseudonymise an address written as text. IPv4 (including IPv4-mapped IPv6, which dhai treats as IPv4, as
   * Zeek does) comes back dotted; IPv6 comes back in RFC 5952 form without a zone. Throws TypeError when the
   * text is not an address (log fields are attacker-controlled: callers decide what to do with junk).
   */
  map(address: string): string {
    const a = parseAddress(address);
    if (!a) throw new TypeError(`not an IP address: ${JSON.stringify(address.slice(0, 64))}`);
    return formatAddress(this.mapBytes(a.bytes));
  }

  /** Pseudonymise many addresses of either family; IPv4 and IPv6 are each batched. Throws like map(). */
  mapMany(addresses: readonly string[]): string[] {
    const parsed = addresses.map((s) => {
      const a = parseAddress(s);
      if (!a) throw new TypeError(`not an IP address: ${JSON.stringify(s.slice(0, 64))}`);
      return a;
    });
    const out: string[] = new Array<string>(addresses.length);
    for (const width of [4, 16] as const) {
      const idx: number[] = [];
      parsed.forEach((a, i) => a.bytes.length === width && idx.push(i));
      if (idx.length === 0) continue;
      const flat = new Uint8Array(idx.length * width);
      idx.forEach((i, k) => flat.set(parsed[i]!.bytes, k * width));
      const mapped = this.mapFlat(flat, width);
      idx.forEach((i, k) => (out[i] = formatAddress(mapped.subarray(k * width, (k + 1) * width))));
    }
    return out;
  }

  /**
   * The image of a network: because output bit i depends only on input bits before i, every address of
   * a.b.c.d/n maps into map(a.b.c.d)/n. Used to map the site's networks when a report runs on a
   * pseudonymised store. Throws UsageError when `cidr` is not a network.
   */
  mapNetwork(cidr: string): string {
    const n = parseNetwork(cidr);
    const mapped = maskBytes(this.mapBytes(n.bytes), n.prefix);
    return `${formatAddress(mapped)}/${n.prefix}`;
  }

  /**
   * Invert the mapping (for a key holder who must find the real host behind a finding). Sequential: the
   * input of bit i is the already-recovered original bits, so this takes one update() per bit.
   */
  unmapBytes(bytes: Uint8Array): Uint8Array {
    const width = bytes.length;
    if (width !== 4 && width !== 16) throw new RangeError(`an address has 4 or 16 bytes, not ${width}`);
    const block = Buffer.from(this.#pad);
    const orig = new Uint8Array(width);
    for (let p = 0; p < width * 8; p++) {
      const flip = this.#cipher.update(block)[0]! >> 7;
      const mask = 0x80 >> (p & 7);
      const bit = ((bytes[p >> 3]! & mask) !== 0 ? 1 : 0) ^ flip;
      if (bit) orig[p >> 3]! |= mask;
      // the next block carries this recovered bit in place of the pad's
      block[p >> 3] = (block[p >> 3]! & ~mask) | (bit ? mask : 0);
    }
    return orig;
  }

  unmap(address: string): string {
    const a = parseAddress(address);
    if (!a) throw new TypeError(`not an IP address: ${JSON.stringify(address.slice(0, 64))}`);
    return formatAddress(this.unmapBytes(a.bytes));
  }
}
