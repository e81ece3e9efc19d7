import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { parseCertificate, type Certificate } from '../../src/x509/certificate.ts';
import { findIssuers, mayIssue, verifyChain } from '../../src/x509/chain.ts';
import { CertificatePool, nodeRootStore, TrustStore, trustStoreFromPemFile, trustStoreFromPemFiles } from '../../src/x509/trust-store.ts';
import { fixture, needsShared } from '../helpers/shared.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { certificatesFromPcap } from './pcap-certificates.ts';
import { issue, type Issued } from './pki.ts';
import { readZeekTsv } from './zeek-log.ts';

const cert = (i: Issued): Certificate => parseCertificate(i.der);
const pem = (i: Issued): string => `-----BEGIN CERTIFICATE-----\n${i.der.toString('base64')}\n-----END CERTIFICATE-----\n`;
const noRoots = new TrustStore([], 'empty');
const at = new Date('2020-06-01T00:00:00Z');

void describe('chains of a site PKI made in the test', () => {
  let root: Issued, leaf: Issued, sub: Issued, subLeaf: Issued, selfSigned: Issued, weakLeaf: Issued, sha1Leaf: Issued;
  let site: TrustStore;
  before(async () => {
    const validity = { notBefore: new Date('2020-01-01T00:00:00Z'), notAfter: new Date('2021-01-01T00:00:00Z') };
    root = await issue('CN=Example Hospital Root CA,O=Example Hospital', null, { ca: true });
    leaf = await issue('CN=pacs.example-hospital.org,O=Example Hospital', root, { ...validity, dns: ['pacs.example-hospital.org'] });
    sub = await issue('CN=Example Hospital Devices CA,O=Example Hospital', root, { ca: true });
    subLeaf = await issue('CN=infusion-17.example-hospital.org', sub);
    selfSigned = await issue('CN=printer-3.example-hospital.org', null);
    weakLeaf = await issue('CN=old-modality.example-hospital.org', root, { key: 'rsa1024' });
    sha1Leaf = await issue('CN=legacy.example-hospital.org', root, { hash: 'SHA-1' });
    const dir = tmpDir();
    const file = path.join(dir, 'site-ca.pem');
    writeFileSync(file, pem(root));
    site = trustStoreFromPemFiles([file]);
  });

  void test('a leaf issued by the site CA is internal_ca with the site CA, unknown_issuer without it', () => {
    const withSite = verifyChain(cert(leaf), { at, roots: nodeRootStore(), internalCas: site });
    assert.equal(withSite.status, 'internal_ca');
    assert.equal(withSite.anchor, 'internal');
    assert.deepEqual(withSite.problems, []);
    assert.deepEqual(withSite.path.map((l) => [l.source, l.signature]), [['leaf', 'valid'], ['internal', null]]);
    const without = verifyChain(cert(leaf), { at, roots: nodeRootStore() });
    assert.equal(without.status, 'unknown_issuer');
    assert.equal(without.anchor, null);
  });

  void test('the untrusted site CA presented in the chain makes it self_signed (in chain); a self-signed leaf is self_signed (leaf)', () => {
    const r = verifyChain(cert(leaf), { at, roots: noRoots, presented: [cert(leaf), cert(root)] });
    assert.equal(r.status, 'self_signed');
    assert.equal(r.selfSigned, 'chain');
    const s = verifyChain(cert(selfSigned), { at, roots: noRoots, internalCas: site });
    assert.equal(s.status, 'self_signed');
    assert.equal(s.selfSigned, 'leaf');
    assert.equal(cert(selfSigned).selfSigned, true);
  });

  void test('expiry and not-yet-valid are judged at the session time', () => {
    const opts = { roots: noRoots, internalCas: site };
    const expired = verifyChain(cert(leaf), { ...opts, at: new Date('2021-06-01T00:00:00Z') });
    assert.equal(expired.status, 'expired');
    assert.deepEqual(expired.timeProblems.map((t) => [t.depth, t.problem]), [[0, 'expired']]);
    assert.equal(expired.anchor, 'internal');
    const early = verifyChain(cert(leaf), { ...opts, at: new Date('2019-12-31T23:59:59Z') });
    assert.equal(early.status, 'not_yet_valid');
    // Validity bounds are inclusive (RFC 5280 §4.1.2.5).
    assert.equal(verifyChain(cert(leaf), { ...opts, at: new Date('2021-01-01T00:00:00Z') }).status, 'internal_ca');
    // Trust problems come first, as OpenSSL reports them; the time problem is still listed.
    const both = verifyChain(cert(leaf), { roots: noRoots, at: new Date('2021-06-01T00:00:00Z') });
    assert.deepEqual(both.problems, ['unknown_issuer', 'expired']);
  });

  void test('a byte flipped in the signed part is bad_signature', () => {
    const der = Buffer.from(leaf.der);
    const at2 = der.indexOf(Buffer.from('pacs'));
    der[at2]! ^= 1;
    const r = verifyChain(parseCertificate(der), { at, roots: noRoots, internalCas: site });
    assert.equal(r.status, 'bad_signature');
    assert.equal(r.path[0]!.signature, 'invalid');
  });

  void test('intermediates come from the presented chain or from a pool of certificates seen elsewhere', () => {
    const opts = { at, roots: noRoots, internalCas: site };
    assert.equal(verifyChain(cert(subLeaf), opts).status, 'unknown_issuer');
    assert.equal(verifyChain(cert(subLeaf), { ...opts, presented: [cert(subLeaf), cert(sub)] }).status, 'internal_ca');
    const pooled = verifyChain(cert(subLeaf), { ...opts, pool: new CertificatePool([cert(sub), cert(leaf)]) });
    assert.equal(pooled.status, 'internal_ca');
    assert.deepEqual(pooled.path.map((l) => l.source), ['leaf', 'pool', 'internal']);
    assert.deepEqual(findIssuers(cert(subLeaf), { pool: new CertificatePool([cert(sub)]) }).map((c) => c.sha256), [cert(sub).sha256]);
  });

  void test('weak keys and SHA-1 signatures are reported as facts', () => {
    const weak = verifyChain(cert(weakLeaf), { at, roots: noRoots, internalCas: site });
    assert.equal(weak.status, 'internal_ca');
    assert.deepEqual(weak.weakKeys.map((w) => [w.depth, w.type, w.bits]), [[0, 'rsa', 1024]]);
    const sha1 = verifyChain(cert(sha1Leaf), { at, roots: noRoots, internalCas: site });
    assert.equal(sha1.status, 'internal_ca');
    assert.equal(cert(sha1Leaf).signature.alg, 'ecdsa-with-SHA1');
    assert.deepEqual(sha1.weakSignatures.map((w) => [w.depth, w.hash]), [[0, 'sha1']]);
    assert.deepEqual(verifyChain(cert(leaf), { at, roots: noRoots, internalCas: site }).weakSignatures, []);
  });

  void test('an issuer without CA rights makes the chain invalid_ca (a leaf cannot sign a leaf); a CA path is preferred', async () => {
    const forged = await issue('CN=bank.example', leaf);
    const r = verifyChain(cert(forged), { at, roots: noRoots, internalCas: site, pool: new CertificatePool([cert(leaf)]) });
    assert.equal(r.status, 'invalid_ca');
    assert.equal(r.anchor, 'internal');
    assert.equal(mayIssue(cert(leaf)), false);
    assert.equal(mayIssue(cert(sub)), true);
    const good = verifyChain(cert(subLeaf), { at, roots: noRoots, internalCas: site, pool: new CertificatePool([cert(sub)]) });
    assert.equal(good.status, 'internal_ca');
    assert.ok(!good.problems.includes('invalid_ca'));
  });

  void test('a certificate that is itself a trust anchor is ok; cross-signed loops terminate', async () => {
    const r = verifyChain(cert(root), { at, roots: new TrustStore([cert(root)], 'test') });
    assert.equal(r.status, 'ok');
    assert.equal(r.path.length, 1);
    // Two CAs that certify each other, neither trusted: the search is bounded and ends at unknown_issuer.
    const a = await issue('CN=Loop A', null, { ca: true });
    const b = await issue('CN=Loop B', null, { ca: true });
    const aByB = await issue('CN=Loop A', b, { ca: true });
    const bByA = await issue('CN=Loop B', a, { ca: true });
    const l = await issue('CN=loop-leaf', a);
    const loop = verifyChain(cert(l), { at, roots: noRoots, pool: new CertificatePool([aByB, bByA].map(cert)) });
    assert.equal(loop.status, 'unknown_issuer');
  });
});

void describe('chains of real certificates from the Zeek traces', { skip: needsShared }, () => {
  const store2014 = (): TrustStore => trustStoreFromPemFile(fixture('ct', 'roots', 'mozilla-cacert-2014.03.10.pem'));

  void test('2014 google chain (x509 cert column) verifies against the 2014 Mozilla store at the capture time, not today', () => {
    const chain = readZeekTsv(fixture('pcap', 'zeek-ecdhe', 'x509-with-base64-certs.log')).map((r) => parseCertificate(r.cert!));
    // The log's timestamps are masked; the trace itself says when the session happened.
    const when = certificatesFromPcap(fixture('pcap', 'zeek-ecdhe', 'ecdhe.pcap')).firstPacket;
    assert.equal(when.toISOString(), '2014-04-26T16:16:58.654Z');
    const roots = store2014();
    const r = verifyChain(chain[0]!, { at: when, roots, presented: chain });
    assert.equal(r.status, 'ok');
    assert.deepEqual(r.path.map((l) => l.subject), ['CN=*.google.com,O=Google Inc,L=Mountain View,ST=California,C=US', 'CN=Google Internet Authority G2,O=Google Inc,C=US', 'CN=GeoTrust Global CA,O=GeoTrust Inc.,C=US']);
    assert.deepEqual(r.path.map((l) => l.source), ['leaf', 'presented', 'root']);
    assert.deepEqual(r.weakSignatures.map((w) => [w.depth, w.hash]), [[0, 'sha1'], [1, 'sha1']]);
    assert.equal(verifyChain(chain[0]!, { at: new Date('2014-08-01T00:00:00Z'), roots, presented: chain }).status, 'expired');
    assert.equal(verifyChain(chain[0]!, { at: new Date('2014-04-01T00:00:00Z'), roots, presented: chain }).status, 'not_yet_valid');
    // Today's store no longer has GeoTrust Global CA or Equifax.
    const today = trustStoreFromPemFile(fixture('ct', 'roots', 'mozilla-cacert-2026.07.22.pem'));
    assert.equal(verifyChain(chain[0]!, { at: when, roots: today, presented: chain }).status, 'unknown_issuer');
  });

  void test('2012 gstatic chain: ok against the 2014 store, with its 1024-bit keys reported', () => {
    const trace = certificatesFromPcap(fixture('pcap', 'zeek-ssl-basic', 'tls-conn-with-extensions.pcap'));
    const chain = trace.flights[0]!.chain.map((d) => parseCertificate(d));
    const r = verifyChain(chain[0]!, { at: trace.firstPacket, roots: store2014(), presented: chain });
    assert.equal(r.status, 'ok');
    assert.deepEqual(r.weakKeys.map((w) => [w.depth, w.bits]), [[0, 1024], [1, 1024], [2, 1024]]);
  });

  void test("statuses agree with Zeek's validation_status on the validation traces (store of their era)", () => {
    const roots = store2014();
    const cases = [
      { dir: 'zeek-validate-certs-missing-intermediate', log: 'ssl.log', pcaps: ['missing-intermediate.pcap'] },
      { dir: 'zeek-validate-sct', log: 'ssl-all.log', pcaps: ['signed_certificate_timestamp.pcap', 'signed_certificate_timestamp-2.pcap'] },
    ];
    const zeekToOurs: Record<string, string> = { ok: 'ok', 'unable to get local issuer certificate': 'unknown_issuer' };
    let compared = 0;
    for (const c of cases) {
      const zeek = readZeekTsv(fixture('pcap', c.dir, c.log));
      const flights = c.pcaps.flatMap((p) => {
        const t = certificatesFromPcap(fixture('pcap', c.dir, p));
        return t.flights.map((f) => ({ chain: f.chain.map((d) => parseCertificate(d)), at: t.firstPacket }));
      });
      assert.equal(flights.length, zeek.length);
      flights.forEach((f, i) => {
        assert.equal(f.chain.map((x) => x.sha256).join(','), zeek[i]!.cert_chain_fps);
        const r = verifyChain(f.chain[0]!, { at: f.at, roots, presented: f.chain });
        assert.equal(r.status, zeekToOurs[zeek[i]!.validation_status!], `${c.dir} #${i}`);
        compared++;
      });
    }
    assert.equal(compared, 5);
  });

  void test("Node's bundled store parses completely and anchors a current chain", () => {
    assert.equal(nodeRootStore().skipped, 0);
    assert.ok(nodeRootStore().size >= 100);
    const trace = certificatesFromPcap(fixture('pcap', 'zeek-validate-sct', 'signed_certificate_timestamp.pcap'));
    const chain = trace.flights[0]!.chain.map((d) => parseCertificate(d));
    const r = verifyChain(chain[0]!, { at: trace.firstPacket, roots: nodeRootStore(), presented: chain });
    assert.equal(r.status, 'ok');
    assert.equal(r.anchor, 'root');
  });
});
