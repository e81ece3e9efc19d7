// Throughput of Crypto-PAn, the name pseudonyms and the network lookups, per distinct value (ingest maps
// distinct values once).
// Run: node --import tsx bench/privacy-cryptopan.ts [count]. Prints addresses/s per path and, as the
// baseline it runs beside, raw AES-128-ECB blocks/s through the same node:crypto cipher (the floor cost:
// 32 blocks per IPv4 address, 128 per IPv6 address).
import { createCipheriv, randomBytes } from 'node:crypto';
import { NetworkSet, addressNumber, formatAddress } from '../src/privacy/addresses.ts';
import { CryptoPAn } from '../src/privacy/cryptopan.ts';
import { NamePseudonyms } from '../src/privacy/pseudonyms.ts';

const count = Number(process.argv[2] ?? 200_000);
const key = randomBytes(32);
const pan = new CryptoPAn(key);

function rate(label: string, n: number, fn: () => void): void {
  fn(); // warm-up run, not timed
  const runs: number[] = [];
  for (let r = 0; r < 3; r++) {
    const t0 = process.hrtime.bigint();
    fn();
    runs.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  runs.sort((a, b) => a - b);
  const median = runs[1]!;
  console.log(`${label.padEnd(44)} ${Math.round(n / median).toLocaleString('en-US').padStart(12)} /s  (${n} in ${(median * 1000).toFixed(0)} ms, median of 3)`);
}

const v4 = new Uint32Array(count);
for (let i = 0; i < count; i++) v4[i] = randomBytes(4).readUInt32BE();
const v4Text = Array.from(v4, (v) => formatAddress(Uint8Array.of(v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255)));
const v6Count = Math.ceil(count / 4);
const v6Text = Array.from({ length: v6Count }, () => formatAddress(Uint8Array.of(0x20, 0x01, 0x0d, 0xb8, ...randomBytes(12))));

const blocks = 1 << 20;
const aes = createCipheriv('aes-128-ecb', key.subarray(0, 16), null).setAutoPadding(false);
const aesInput = randomBytes(blocks * 16);
rate('baseline: AES-128-ECB blocks (1 MiB updates)', blocks, () => {
  for (let o = 0; o < aesInput.length; o += 1 << 20) aes.update(aesInput.subarray(o, o + (1 << 20)));
});

rate('IPv4 mapIPv4Many (batched 32-bit values)', count, () => pan.mapIPv4Many(v4));
rate('IPv4 mapIPv4 (one at a time)', count, () => {
  for (const v of v4) pan.mapIPv4(v);
});
rate('IPv4 mapMany (text in, text out)', count, () => pan.mapMany(v4Text));
rate('IPv4 map (text, one at a time)', count, () => {
  for (const s of v4Text) pan.map(s);
});
rate('IPv6 mapMany (text in, text out)', v6Count, () => pan.mapMany(v6Text));
rate('IPv6 map (text, one at a time)', v6Count, () => {
  for (const s of v6Text) pan.map(s);
});

const names = new NamePseudonyms(key);
const hosts = Array.from({ length: Math.ceil(count / 4) }, (_, i) => `ws-${i}.ward-${i % 40}.campus-${i % 3}.hospital.local`);
rate('names: 4-label host under .local', hosts.length, () => {
  for (const h of hosts) names.name(h);
});

// 300 site networks of assorted sizes, as a large hospital might configure; half the probes fall inside
const nets = [
  ...Array.from({ length: 250 }, (_, i) => `10.${i}.${(i * 7) % 256}.0/${22 + (i % 7)}`),
  ...Array.from({ length: 50 }, (_, i) => `2001:db8:${i.toString(16)}::/${48 + (i % 17)}`),
];
const set = new NetworkSet(nets);
const probes = [...v4Text.slice(0, count / 2), ...Array.from({ length: count / 2 }, (_, i) => `10.${i % 250}.${(i * 7) % 256}.${i % 256}`)];
rate('NetworkSet.has, 300 networks, IPv4 text', probes.length, () => {
  for (const a of probes) set.has(a);
});
rate('NetworkSet.has, 300 networks, IPv6 text', v6Text.length, () => {
  for (const a of v6Text) set.has(a);
});
rate('addressNumber (SQL key), IPv4 text', v4Text.length, () => {
  for (const a of v4Text) addressNumber(a);
});
