import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import tls from 'node:tls';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { CertificateParseError, parseCertificate, type Certificate } from '../../src/x509/certificate.ts';
import { certificatesFromPem, toDer } from '../../src/x509/pem.ts';
import { fixture, needsShared } from '../helpers/shared.ts';
import { certificatesFromPcap } from './pcap-certificates.ts';
import { readZeekTsv, zeekList, type ZeekRow } from './zeek-log.ts';

/** Our facts in the shape of Zeek's x509.log columns. */
function asZeekColumns(c: Certificate): Record<string, string | string[] | null> {
  return {
    fingerprint: c.sha256,
    'certificate.version': String(c.version),
    'certificate.serial': c.serial,
    'certificate.subject': c.subject.text,
    'certificate.issuer': c.issuer.text,
    'certificate.not_valid_before': (c.notBefore.getTime() / 1000).toFixed(6),
    'certificate.not_valid_after': (c.notAfter.getTime() / 1000).toFixed(6),
    'certificate.key_alg': c.key.alg,
    'certificate.sig_alg': c.signature.alg,
    'certificate.key_type': c.key.type,
    'certificate.key_length': c.key.bits === null ? null : String(c.key.bits),
    'certificate.exponent': c.key.exponent,
    'certificate.curve': c.key.curve,
    'san.dns': c.san.dns.length ? c.san.dns : null,
    'san.uri': c.san.uri.length ? c.san.uri : null,
    'san.email': c.san.email.length ? c.san.email : null,
    'san.ip': c.san.ip.length ? c.san.ip : null,
    'basic_constraints.ca': c.basicConstraints ? (c.basicConstraints.ca ? 'T' : 'F') : null,
    'basic_constraints.path_len': c.basicConstraints?.pathLen == null ? null : String(c.basicConstraints.pathLen),
  };
}

function zeekColumns(row: ZeekRow, columns: string[]): Record<string, string | string[] | null> {
  return Object.fromEntries(columns.map((k) => [k, k.startsWith('san.') ? zeekList(row[k] ?? null) : (row[k] ?? null)]));
}

void describe('certificate facts equal Zeek x509.log', { skip: needsShared }, () => {
  void test('x509-with-base64-certs.log: DER from the cert column', () => {
    const rows = readZeekTsv(fixture('pcap', 'zeek-ecdhe', 'x509-with-base64-certs.log'));
    assert.equal(rows.length, 3);
    for (const row of rows) {
      const ours = asZeekColumns(parseCertificate(row.cert!));
      assert.deepEqual(ours, zeekColumns(row, Object.keys(ours)));
    }
  });

  void test('every certificate recoverable from the Zeek traces (TCP ones) matches its x509.log row', () => {
    let compared = 0;
    for (const dir of readdirSync(fixture('pcap')).filter((d) => d.startsWith('zeek-'))) {
      const files = readdirSync(fixture('pcap', dir));
      const rows = files.filter((f) => /^x509.*\.log$/.test(f)).flatMap((f) => readZeekTsv(fixture('pcap', dir, f)));
      if (rows.length === 0 || dir === 'zeek-dtls') continue;
      const certs = new Map<string, Certificate>();
      for (const pcap of files.filter((f) => f.endsWith('.pcap'))) {
        for (const flight of certificatesFromPcap(fixture('pcap', dir, pcap)).flights) {
          for (const der of flight.chain) {
            const c = parseCertificate(der);
            certs.set(c.sha256, c);
          }
        }
      }
      for (const row of rows) {
        const c = certs.get(row.fingerprint!);
        assert.ok(c, `${dir}: certificate ${row.fingerprint} not found in the trace`);
        const ours = asZeekColumns(c);
        assert.deepEqual(ours, zeekColumns(row, Object.keys(ours)), `${dir} ${row['certificate.subject']}`);
        compared++;
      }
    }
    // 13 trace folders with x509.log; DTLS (UDP) is out of this helper's reach.
    assert.equal(compared, 35);
  });
});

void describe('certificate facts equal OpenSSL on the root stores', { skip: needsShared }, () => {
  const bundles = [fixture('ct', 'roots', 'mozilla-cacert-2014.03.10.pem'), fixture('ct', 'roots', 'mozilla-cacert-2026.07.22.pem')];

  void test('fingerprints, serials, validity, key sizes, curves, CA flag and self-signature agree with node:crypto', () => {
    const ders = [...bundles.flatMap((b) => certificatesFromPem(readFileSync(b, 'latin1'))), ...tls.rootCertificates.map((p) => toDer(p))];
    assert.equal(ders.length, 152 + 121 + tls.rootCertificates.length);
    for (const der of ders) {
      const c = parseCertificate(der);
      const n = new X509Certificate(der);
      const what = c.subject.text;
      assert.equal(c.sha256, n.fingerprint256.replace(/:/g, '').toLowerCase(), what);
      assert.equal(c.sha1, n.fingerprint.replace(/:/g, '').toLowerCase(), what);
      // Node prints serial 0 as '0', OpenSSL's i2a_ASN1_INTEGER (and so Zeek) as '00'.
      assert.equal(BigInt('0x' + c.serial), BigInt('0x' + n.serialNumber), what);
      assert.equal(c.notBefore.getTime(), new Date(n.validFrom).getTime(), what);
      assert.equal(c.notAfter.getTime(), new Date(n.validTo).getTime(), what);
      assert.equal(c.isCa, n.ca, what);
      const details = n.publicKey.asymmetricKeyDetails!;
      if (c.key.type === 'ecdsa') assert.equal(c.key.curve, details.namedCurve, what);
      else assert.equal(c.key.bits, details.modulusLength, what);
      assert.equal(c.selfSigned, c.selfIssued && n.verify(n.publicKey), what);
    }
  });

  void test('non-ASCII subjects and issuers render byte for byte as `openssl x509 -nameopt RFC2253` (what Zeek prints)', { skip: opensslMissing() }, () => {
    // Plain names are covered by the Zeek comparisons above; spawn openssl only for the escaped ones.
    const certs = bundles
      .flatMap((b) => certificatesFromPem(readFileSync(b, 'latin1')))
      .map((d) => parseCertificate(d))
      .filter((c) => /\\[0-9A-F]{2}/.test(c.subject.text + c.issuer.text));
    assert.ok(certs.length >= 5, `only ${certs.length} certificates with escaped bytes`);
    for (const c of certs) {
      const out = execFileSync('openssl', ['x509', '-inform', 'DER', '-noout', '-subject', '-issuer', '-nameopt', 'RFC2253'], { input: c.der, encoding: 'latin1' });
      assert.equal(`subject=${c.subject.text}\nissuer=${c.issuer.text}\n`, out);
    }
  });
});

void describe('certificate facts on hand-picked cases', { skip: needsShared }, () => {
  void test('github.com EV leaf: structured names, SANs, SCT extension, CA flags', () => {
    const [leaf, inter] = certificatesFromPem(readFileSync(fixture('ct', 'certs', 'github-chain.pem'), 'latin1')).map((d) => parseCertificate(d));
    assert.ok(leaf && inter);
    assert.deepEqual(leaf.subject.cn, ['github.com']);
    assert.equal(leaf.cn, 'github.com');
    assert.deepEqual(leaf.subject.o, ['GitHub, Inc.']);
    assert.match(leaf.subject.text, /^CN=github\.com,O=GitHub\\, Inc\.,L=San Francisco,/);
    assert.deepEqual(leaf.issuer.cn, ['DigiCert SHA2 Extended Validation Server CA']);
    assert.deepEqual(leaf.san.dns, ['github.com', 'www.github.com']);
    assert.equal(leaf.hasSctList, true);
    assert.equal(leaf.isCa, false);
    assert.equal(inter.isCa, true);
    assert.equal(leaf.selfIssued, false);
    assert.equal(leaf.emptyIssuer, false);
    assert.equal(leaf.signature.hash, 'sha256');
    assert.equal(leaf.authorityKeyId, inter.subjectKeyId);
    // The same certificate from PEM text, DER bytes and bare base64 gives the same facts.
    const b64 = leaf.der.toString('base64');
    assert.equal(parseCertificate(b64).sha256, leaf.sha256);
    assert.equal(parseCertificate(`-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`).sha256, leaf.sha256);
  });

  void test('malformed input raises CertificateParseError, never another error (property over truncations and byte flips)', () => {
    const der = certificatesFromPem(readFileSync(fixture('ct', 'certs', 'github-chain.pem'), 'latin1'))[0]!;
    assert.throws(() => parseCertificate(der.subarray(0, 100)), CertificateParseError);
    assert.throws(() => parseCertificate(Buffer.concat([der, Buffer.from([0])])), CertificateParseError);
    fc.assert(
      fc.property(fc.nat(der.length - 1), fc.integer({ min: 1, max: 255 }), fc.boolean(), (pos, xor, truncate) => {
        const bad = truncate ? der.subarray(0, pos) : Buffer.from(der);
        if (!truncate) bad[pos]! ^= xor;
        try {
          parseCertificate(bad);
        } catch (e) {
          if (!(e instanceof CertificateParseError)) throw e;
        }
      }),
      { numRuns: 3000 },
    );
  });
});

function opensslMissing(): string | false {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return false;
  } catch {
    return 'needs the openssl command';
  }
}
