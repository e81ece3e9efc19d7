// Certificates per second for parse, parse + chain, parse + chain + embedded SCTs, over the real fixture chains.
// Each pass re-parses every leaf from DER, as the analyses would for a certificate not yet in their cache;
// issuers are parsed once (the store holds them once) and intermediate signature checks are shared, as in use.
// Usage: node --import tsx bench/x509-verify.ts [seconds-per-measure]   (needs ../shared/fixtures)
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { defaultCtLogList } from '../src/intel/ct-log-list.ts';
import { parseCertificate, type Certificate } from '../src/x509/certificate.ts';
import { findIssuers, verifyChain } from '../src/x509/chain.ts';
import { certificatesFromPem } from '../src/x509/pem.ts';
import { verifyEmbeddedScts } from '../src/x509/sct.ts';
import type { SignatureCheck } from '../src/x509/signature.ts';
import { nodeRootStore, trustStoreFromPemFile } from '../src/x509/trust-store.ts';
import { fixture, haveShared } from '../test/helpers/shared.ts';
import { certificatesFromPcap } from '../test/x509/pcap-certificates.ts';

if (!haveShared) {
  console.error('needs ../shared/fixtures');
  process.exit(2);
}
const seconds = Number(process.argv[2] ?? 3);

interface Case {
  leaf: Buffer;
  chain: Certificate[];
  at: Date;
}
const cases: Case[] = [];
for (const f of ['github-chain.pem', 'no-sct.badssl.com.pem']) {
  const ders = certificatesFromPem(readFileSync(fixture('ct', 'certs', f), 'latin1'));
  cases.push({ leaf: ders[0]!, chain: ders.map((d) => parseCertificate(d)), at: parseCertificate(ders[0]!).notBefore });
}
const traces: [string, string][] = [
  ['zeek-validate-sct', 'signed_certificate_timestamp.pcap'],
  ['zeek-validate-sct', 'signed_certificate_timestamp-2.pcap'],
  ['zeek-ecdhe', 'ecdhe.pcap'],
  ['zeek-tls1_1', 'tls1_1.pcap'],
  ['zeek-ssl-basic', 'tls-conn-with-extensions.pcap'],
  ['zeek-validate-certs-missing-intermediate', 'missing-intermediate.pcap'],
  ['zeek-ecdsa', 'ecdsa-cert.pcap'],
  ['zeek-known-certs', 'google-duplicate.pcap'],
  ['zeek-smtp-starttls', 'smtp-starttls.pcap'],
  ['zeek-imap-starttls', 'imap-starttls.pcap'],
];
for (const [dir, file] of traces) {
  const t = certificatesFromPcap(fixture('pcap', dir, file));
  for (const f of t.flights) cases.push({ leaf: f.chain[0]!, chain: f.chain.map((d) => parseCertificate(d)), at: t.firstPacket });
}
const logs = defaultCtLogList();
const stores = { 'node bundled': nodeRootStore(), 'mozilla 2014': trustStoreFromPemFile(fixture('ct', 'roots', 'mozilla-cacert-2014.03.10.pem')) };

/** Keeps signature checks of intermediates only: every leaf must be checked afresh, as a distinct certificate would be. */
class IntermediateChecks extends Map<string, SignatureCheck> {
  leaf = '';
  override set(key: string, value: SignatureCheck): this {
    if (!key.startsWith(this.leaf)) super.set(key, value);
    return this;
  }
}

function rate(label: string, work: (c: Case, cache: IntermediateChecks) => void, set: Case[] = cases): void {
  const cache = new IntermediateChecks();
  for (const c of set) work(c, cache); // warm-up
  let n = 0;
  const start = process.hrtime.bigint();
  const limit = BigInt(Math.round(seconds * 1e9));
  while (process.hrtime.bigint() - start < limit) {
    for (const c of set) work(c, cache);
    n += set.length;
  }
  const s = Number(process.hrtime.bigint() - start) / 1e9;
  console.log(`${label.padEnd(52)} ${Math.round(n / s).toString().padStart(7)} certificates/s  (${((s / n) * 1e6).toFixed(1)} µs each, ${n} runs)`);
}

console.log(`${cases.length} leaf certificates with their chains from ${traces.length} traces and 2 PEM chains; node ${process.versions.node}`);
rate('baseline: node:crypto X509Certificate construction', (c) => void new X509Certificate(c.leaf));
rate('parse (facts, fingerprints)', (c) => void parseCertificate(c.leaf));
const withScts = cases.filter((c) => parseCertificate(c.leaf).hasSctList);
for (const [name, roots] of Object.entries(stores)) {
  const chain = (c: Case, cache: IntermediateChecks): Certificate => {
    const leaf = parseCertificate(c.leaf);
    cache.leaf = leaf.sha256;
    verifyChain(leaf, { at: c.at, roots, presented: c.chain, signatureCache: cache });
    return leaf;
  };
  const all = (c: Case, cache: IntermediateChecks): void => {
    const leaf = chain(c, cache);
    if (leaf.hasSctList) verifyEmbeddedScts(leaf, findIssuers(leaf, { presented: c.chain, roots }), logs);
  };
  rate(`parse + chain (${name})`, (c, cache) => void chain(c, cache));
  rate(`parse + chain + embedded SCTs (${name})`, all);
  rate(`  same, only the ${withScts.length} leaves with SCTs`, all, withScts);
}
const sctCount = withScts.reduce((n, c) => n + verifyEmbeddedScts(parseCertificate(c.leaf), findIssuers(parseCertificate(c.leaf), { presented: c.chain }), logs).length, 0);
console.log(`(${withScts.length} of the ${cases.length} leaves carry embedded SCTs, ${sctCount} SCTs in all)`);
