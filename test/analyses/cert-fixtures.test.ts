// Analyses E and F on real Zeek logs (../shared/fixtures), each expectation computed independently in the test
// from the log files themselves: MACCDC 2012 (Zeek JSON, fingerprints), RITA's proxy capture and Slips' test10
// (pre-4.1 layouts: file ids, subject/issuer in ssl.log), and the DER certificates of Zeek's ecdhe baseline
// (masked timestamps, so ingest refuses it: the per-certificate verification is tested directly, against the
// trace's own time and node:crypto's X509Certificate as the independent judge).
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import tls from 'node:tls';
import { describe, test } from 'node:test';
import { certIssues } from '../../src/analyses/cert-issues.ts';
import { ctTransparency } from '../../src/analyses/ct-transparency.ts';
import { verifyLeaf, verifyLeafScts } from '../../src/analyses/cert-verify.ts';
import type { Metric } from '../../src/analyses/types.ts';
import { EMPTY_SITE } from '../../src/config/site.ts';
import { runIngest } from '../../src/ingest/ingest.ts';
import { defaultCtLogList } from '../../src/intel/ct-log-list.ts';
import { openStore } from '../../src/store/store.ts';
import { parseCertificate } from '../../src/x509/certificate.ts';
import { certificatesFromPem } from '../../src/x509/pem.ts';
import { CertificatePool, nodeRootStore, trustStoreFromPemFile } from '../../src/x509/trust-store.ts';
import { fixture, needsShared } from '../helpers/shared.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { certificatesFromPcap } from '../x509/pcap-certificates.ts';
import { readZeekTsv, zeekList } from '../x509/zeek-log.ts';

const count = (m: Metric | undefined): number => (typeof m === 'number' ? m : (m?.count ?? NaN));

async function ingested(dir: string): Promise<ReturnType<typeof openStore>> {
  const db = path.join(tmpDir('dhai-certfx-'), 's.duckdb');
  await runIngest({ paths: [dir], db });
  return openStore(db, { readOnly: true });
}

void describe('real Zeek logs', { skip: needsShared }, () => {
  void test('MACCDC 2012: self-signed sessions, the 2008-expired certificate seen in 2012, RSA-1024 keys', async () => {
    const dir = fixture('zeek-json', 'maccdc2012-00016');
    const ssl = readFileSync(path.join(dir, 'ssl.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const x509 = new Map(readFileSync(path.join(dir, 'x509.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>).map((r) => [String(r.fingerprint), r]));
    const fresh = ssl.filter((s) => s.established === true && s.resumed !== true);
    const leaf = (s: Record<string, unknown>): string | undefined => (s.cert_chain_fps as string[] | undefined)?.[0];
    const selfSigned = fresh.filter((s) => s.validation_status === 'self signed certificate');
    const expired = fresh.filter((s) => leaf(s) && Number(x509.get(leaf(s)!)!['certificate.not_valid_after']) < Number(s.ts));
    const weak = fresh.filter((s) => leaf(s) && Number(x509.get(leaf(s)!)!['certificate.key_length']) < 2048);
    assert.equal(selfSigned.length, 334, 'the fixture note\'s 341 "self signed certificate" rows include 7 handshakes that did not complete');

    const store = await ingested(dir);
    try {
      const r = await certIssues.run({ conn: store.conn, site: EMPTY_SITE, window: {} });
      assert.equal(r.metrics.fresh_sessions, fresh.length);
      assert.equal(count(r.metrics.status_self_signed), selfSigned.length);
      assert.equal(count(r.metrics.status_unavailable), fresh.filter((s) => s.validation_status === undefined).length);
      assert.equal(count(r.metrics.certs_self_signed), new Set(selfSigned.map(leaf)).size);
      assert.equal(count(r.metrics.sessions_expired_cert), expired.length);
      assert.ok(expired.length > 0 && expired.every((s) => leaf(s) === '25b66694babc309f9da717c5d90ed24efe588601df9bc798908210bb483fb0c1'), 'localhost.localdomain');
      assert.equal(count(r.metrics.certs_expired), 1);
      assert.equal(count(r.metrics.sessions_weak_key), weak.length);
      assert.equal(count(r.metrics.sessions_sig_sha1), 0, 'every certificate signs itself: its SHA-1 signature is not relied upon');
      assert.equal(r.metrics.verified_sessions, undefined, 'no DER logged');
      // no CT evidence of any kind in these logs
      const ct = await ctTransparency.run({ conn: store.conn, site: EMPTY_SITE, window: {} });
      assert.equal(ct.status, 'not_available');
    } finally {
      await store.close();
    }
  });

  void test('RITA proxy (pre-4.1 layout): TLS 1.3 through a proxy, no certificates to see', async () => {
    const rows = readZeekTsv(fixture('zeek-tsv', 'rita-proxy', 'ssl.log'));
    const fresh = rows.filter((r) => r.established === 'T' && r.resumed !== 'T');
    const store = await ingested(fixture('zeek-tsv', 'rita-proxy'));
    try {
      const r = await certIssues.run({ conn: store.conn, site: EMPTY_SITE, window: {} });
      assert.equal(r.metrics.fresh_sessions, fresh.length);
      assert.equal(count(r.metrics.status_unavailable), fresh.filter((x) => x.validation_status === null).length);
      assert.equal(r.metrics.certs_fresh, 0);
      const ct = await ctTransparency.run({ conn: store.conn, site: EMPTY_SITE, window: {} });
      assert.equal(ct.status, 'not_available');
      assert.match(ct.needs[0]!, /cert_chain_fuids/);
    } finally {
      await store.close();
    }
  });

  void test('Slips test10 (Zeek 3.x): chains of file ids joined to x509.log', async () => {
    const ssl = readZeekTsv(fixture('zeek-tsv', 'slips-test10', 'ssl.log'));
    const x509 = new Map(readZeekTsv(fixture('zeek-tsv', 'slips-test10', 'x509.log')).map((r) => [r.id!, r]));
    const fresh = ssl.filter((r) => r.established === 'T' && r.resumed !== 'T');
    const withLeaf = fresh.filter((r) => zeekList(r.cert_chain_fuids ?? null)?.[0]);
    const withFacts = withLeaf.filter((r) => x509.has(zeekList(r.cert_chain_fuids ?? null)![0]!));
    assert.ok(withFacts.length > 0);
    const store = await ingested(fixture('zeek-tsv', 'slips-test10'));
    try {
      const r = await certIssues.run({ conn: store.conn, site: EMPTY_SITE, window: {} });
      assert.equal(r.metrics.fresh_sessions, fresh.length);
      assert.equal(count(r.metrics.status_ok), fresh.filter((x) => x.validation_status === 'ok').length);
      assert.equal(count(r.metrics.sessions_with_x509), withFacts.length);
      assert.equal(r.metrics.certs_fresh, new Set(withLeaf.map((x) => zeekList(x.cert_chain_fuids ?? null)![0])).size);
      assert.equal(count(r.metrics.sessions_expired_cert), withFacts.filter((x) => Number(x509.get(zeekList(x.cert_chain_fuids ?? null)![0]!)!['certificate.not_valid_after']) < Number(x.ts)).length);
    } finally {
      await store.close();
    }
  });

  void test('Zeek ecdhe baseline DER: our verification at the trace time against the 2014 and current Mozilla stores', () => {
    const rows = readZeekTsv(fixture('pcap', 'zeek-ecdhe', 'x509-with-base64-certs.log'));
    const ders = rows.map((r) => Buffer.from(r.cert!, 'base64'));
    const certs = ders.map((d) => parseCertificate(d));
    assert.deepEqual(certs.map((c) => c.sha256), rows.map((r) => r.fingerprint));
    const at = certificatesFromPcap(fixture('pcap', 'zeek-ecdhe', 'ecdhe.pcap')).firstPacket;
    const pool = new CertificatePool(certs.filter((c) => c.isCa));
    const store2014 = fixture('ct', 'roots', 'mozilla-cacert-2014.03.10.pem');

    // the independent judge: node:crypto's X509Certificate checks each link and each validity period
    const x = ders.map((d) => new X509Certificate(d));
    const root2014 = certificatesFromPem(readFileSync(store2014, 'latin1')).map((d) => new X509Certificate(d)).find((c) => x[1]!.checkIssued(c));
    assert.ok(root2014, 'the 2014 store holds the issuer of Google Internet Authority G2');
    assert.ok(x[0]!.checkIssued(x[1]!) && x[0]!.verify(x[1]!.publicKey) && x[1]!.verify(root2014.publicKey));
    for (const c of [x[0]!, x[1]!, root2014]) assert.ok(new Date(c.validFrom) <= at && at <= new Date(c.validTo));
    const nodeHasIssuer = tls.rootCertificates.some((p) => x[1]!.checkIssued(new X509Certificate(p)) || x[2]!.checkIssued(new X509Certificate(p)));

    const old = verifyLeaf(certs[0]!, at, { roots: trustStoreFromPemFile(store2014), internalCas: undefined, pool });
    assert.equal(old.trust, 'ok');
    assert.equal(old.weakSignature, 'sha1', 'the leaf and its CA are SHA-1-signed');
    assert.equal(old.weakKey, false);
    assert.deepEqual([old.pathNotBefore, old.pathNotAfter], [new Date(x[0]!.validFrom), new Date(x[0]!.validTo)]);
    const now = verifyLeaf(certs[0]!, at, { roots: nodeRootStore(), internalCas: undefined, pool });
    assert.equal(now.trust, nodeHasIssuer ? 'ok' : 'unknown_issuer', 'GeoTrust Global CA and Equifax have left Mozilla\'s store');
    assert.equal(verifyLeafScts(certs[0]!, defaultCtLogList(), { roots: nodeRootStore(), internalCas: undefined, pool }).scts, 0, '2014: no embedded SCTs');
  });

  void test('embedded SCTs of a real certificate verify against the shipped log list; a tampered copy fails', () => {
    const ders = certificatesFromPem(readFileSync(fixture('ct', 'certs', 'github-chain.pem'), 'latin1'));
    const [leaf, issuer] = ders.map((d) => parseCertificate(d));
    const sources = { roots: nodeRootStore(), internalCas: undefined, pool: new CertificatePool([issuer!]) };
    const v = verifyLeafScts(leaf!, defaultCtLogList(), sources);
    assert.deepEqual([v.scts, v.verified, v.failed], [3, 3, 0]);
    const tampered = Buffer.from(leaf!.der);
    const at = tampered.indexOf(Buffer.from('github.com', 'latin1'));
    tampered[at] = tampered[at]! ^ 0x20;
    const t = verifyLeafScts(parseCertificate(tampered), defaultCtLogList(), sources);
    assert.deepEqual([t.scts, t.verified, t.failed], [3, 0, 3]);
  });
});
