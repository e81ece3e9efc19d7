// A small MaxMind DB writer for the GeoIP tests, written from the format's specification (MaxMind DB File
// Format Specification v2.0, maxmind/MaxMind-DB `MaxMind-DB-spec.md`): no npm package writes .mmdb files, and
// MaxMind's own test databases are binary files this checkout cannot copy in. What it writes is read back
// with mmdb-lib, the independent reader dhai uses, so a writer mistake fails the tests rather than hiding.
// Layout: an IPv6 search tree with 24-bit records (IPv4 networks under ::/96, as MaxMind's databases keep
// them), 16 zero bytes, the data section, then "\xAB\xCD\xEFMaxMind.com" and the metadata map.
import ipaddr from 'ipaddr.js';

/** Typed integers for the metadata; plain numbers in records are uint32 (integers) or doubles. */
export type Value = string | number | boolean | { u16: number } | { u64: bigint } | Value[] | { [k: string]: Value };

const TYPE = { pointer: 1, string: 2, double: 3, u16: 5, u32: 6, map: 7, u64: 9, array: 11, boolean: 14 } as const;

function control(type: number, size: number): number[] {
  let bits: number;
  let extra: number[] = [];
  if (size < 29) bits = size;
  else if (size < 285) [bits, extra] = [29, [size - 29]];
  else if (size < 65821) [bits, extra] = [30, [(size - 285) >> 8, (size - 285) & 255]];
  else [bits, extra] = [31, [((size - 65821) >> 16) & 255, ((size - 65821) >> 8) & 255, (size - 65821) & 255]];
  // types above 7 are "extended": 0 in the control byte, the type minus 7 in the next byte
  return type > 7 ? [bits, type - 7, ...extra] : [(type << 5) | bits, ...extra];
}

function uint(value: bigint): number[] {
  const out: number[] = [];
  for (let v = value; v > 0n; v >>= 8n) out.unshift(Number(v & 255n));
  return out;
}

export function encode(v: Value): number[] {
  if (typeof v === 'string') {
    const b = [...Buffer.from(v, 'utf8')];
    return [...control(TYPE.string, b.length), ...b];
  }
  if (typeof v === 'boolean') return control(TYPE.boolean, v ? 1 : 0);
  if (typeof v === 'number') {
    if (Number.isInteger(v) && v >= 0 && v < 2 ** 32) {
      const b = uint(BigInt(v));
      return [...control(TYPE.u32, b.length), ...b];
    }
    const b = Buffer.alloc(8);
    b.writeDoubleBE(v);
    return [...control(TYPE.double, 8), ...b];
  }
  if (Array.isArray(v)) return [...control(TYPE.array, v.length), ...v.flatMap(encode)];
  if ('u16' in v && typeof v.u16 === 'number') {
    const b = uint(BigInt(v.u16));
    return [...control(TYPE.u16, b.length), ...b];
  }
  if ('u64' in v && typeof v.u64 === 'bigint') {
    const b = uint(v.u64);
    return [...control(TYPE.u64, b.length), ...b];
  }
  const entries = Object.entries(v as Record<string, Value>);
  return [...control(TYPE.map, entries.length), ...entries.flatMap(([k, x]) => [...encode(k), ...encode(x)])];
}

/** 16 bytes and the prefix length of a network in the IPv6 tree (IPv4 under ::/96). */
function bits(cidr: string): [number[], number] {
  const [addr, len] = ipaddr.parseCIDR(cidr);
  if (addr.kind() === 'ipv4') return [[...new Array<number>(12).fill(0), ...addr.toByteArray()], 96 + len];
  return [addr.toByteArray(), len];
}

export interface MmdbOptions {
  databaseType: string;
  /** build time, unix seconds */
  buildEpoch: number;
  description?: string;
}

/** A .mmdb file mapping each network to its record (broader networks may hold more specific ones). */
export function writeMmdb(records: [cidr: string, record: Value][], opts: MmdbOptions): Buffer {
  // each record slot: a node number, a data index (as {data}), or null (no data)
  type Slot = number | { data: number } | null;
  const nodes: [Slot, Slot][] = [[null, null]];
  const data: number[][] = records.map(([, r]) => encode(r));
  const sorted = records.map(([cidr], i) => [...bits(cidr), i] as const).sort((a, b) => a[1] - b[1]);
  for (const [bytes, len, i] of sorted) {
    let n = 0;
    for (let k = 0; k < len; k++) {
      const bit = (bytes[k >> 3]! >> (7 - (k & 7))) & 1;
      if (k === len - 1) {
        nodes[n]![bit] = { data: i };
        break;
      }
      let next = nodes[n]![bit]!;
      if (typeof next !== 'number') {
        // a broader network (or nothing) here: split it into a node whose both halves keep it
        nodes.push([next, next]);
        next = nodes.length - 1;
        nodes[n]![bit] = next;
      }
      n = next;
    }
  }
  const offsets: number[] = [];
  let at = 0;
  for (const d of data) {
    offsets.push(at);
    at += d.length;
  }
  const count = nodes.length;
  const value = (s: Slot) => (s === null ? count : typeof s === 'number' ? s : count + 16 + offsets[s.data]!);
  const tree = Buffer.alloc(count * 6);
  nodes.forEach(([l, r], i) => {
    tree.writeUIntBE(value(l), i * 6, 3);
    tree.writeUIntBE(value(r), i * 6 + 3, 3);
  });
  const metadata = encode({
    node_count: count,
    record_size: { u16: 24 },
    ip_version: { u16: 6 },
    database_type: opts.databaseType,
    languages: ['en'],
    binary_format_major_version: { u16: 2 },
    binary_format_minor_version: { u16: 0 },
    build_epoch: { u64: BigInt(opts.buildEpoch) },
    description: { en: opts.description ?? `${opts.databaseType} written for dhai's tests` },
  });
  return Buffer.concat([
    tree,
    Buffer.alloc(16),
    Buffer.from(data.flat()),
    Buffer.from([0xab, 0xcd, 0xef]),
    Buffer.from('MaxMind.com', 'ascii'),
    Buffer.from(metadata),
  ]);
}
