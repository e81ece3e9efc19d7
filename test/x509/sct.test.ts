import assert from 'node:assert/strict';
import { createHash, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { defaultCtLogList, loadCtLogList, parseCtLogList, type CtLogList } from '../../src/intel/ct-log-list.ts';
import { parseCertificate, type Certificate } from '../../src/x509/certificate.ts';
import { childrenOf, readTlv } from '../../src/x509/der.ts';
import { certificatesFromPem } from '../../src/x509/pem.ts';
import {
  embeddedScts, parseSctList, precertTbs, SctParseError, sctSignedData, verifyEmbeddedScts, verifyScts, type Sct, type SctLog,
} from '../../src/x509/sct.ts';
import { fixture, needsShared } from '../helpers/shared.ts';
import { certificatesFromPcap } from './pcap-certificates.ts';

const pemCerts = (...p: string[]): Certificate[] => certificatesFromPem(readFileSync(fixture(...p), 'latin1')).map((d) => parseCertificate(d));
const chrome = (): CtLogList => loadCtLogList(fixture('ct', 'chrome-all_logs_list-2025-05-23.json'));

function testLog(): SctLog {
  const key = createPublicKey(readFileSync(fixture('ct', 'certs', 'ct-server-key-public.pem'))).export({ type: 'spki', format: 'der' });
  return { logId: createHash('sha256').update(key).digest('base64'), key, description: 'CT test log', operator: 'CT project' };
}

/** A copy of `cert` with one byte of its TBSCertificate flipped (inside the subject, away from the SCT list). */
function tamperTbs(cert: Certificate): Certificate {
  const der = Buffer.from(cert.der);
  const at = der.indexOf(Buffer.from(cert.subject.cn[0]!, 'latin1'), 0);
  assert.ok(at > 0 && at < cert.tbs.length);
  der[at]! ^= 0x20;
  return parseCertificate(der);
}

void describe('embedded SCT verification', { skip: needsShared }, () => {
  void test('github.com leaf: three real SCTs verify against the Chrome list (and the Apple list, and the shipped table)', () => {
    const [leaf, issuer] = pemCerts('ct', 'certs', 'github-chain.pem');
    const expected = [
      { log: { description: "Google 'Pilot' log", operator: 'Google' }, verified: true, time: '2018-05-08T20:12:39.562Z' },
      { log: { description: 'DigiCert Log Server', operator: 'DigiCert' }, verified: true, time: '2018-05-08T20:12:39.597Z' },
      { log: { description: "Google 'Skydiver' log", operator: 'Google' }, verified: true, time: '2018-05-08T20:12:39.775Z' },
    ];
    for (const list of [chrome(), parseCtLogList(readFileSync(fixture('ct', 'apple-current_log_list-2025.json'))), defaultCtLogList()]) {
      const got = verifyEmbeddedScts(leaf!, issuer!, list).map((r) => ({ log: r.log, verified: r.verified, time: r.timestamp.toISOString() }));
      assert.deepEqual(got, expected, list.format);
    }
  });

  void test('CT project test certificate verifies with the test log key and its CA; the invalid one fails', () => {
    const logs = new Map([[testLog().logId, testLog()]]);
    const [ca] = pemCerts('ct', 'certs', 'ca-cert.pem');
    const [good] = pemCerts('ct', 'certs', 'test-embedded-cert.pem');
    const [bad] = pemCerts('ct', 'certs', 'test-invalid-embedded-cert.pem');
    assert.deepEqual(verifyEmbeddedScts(good!, ca!, logs).map((r) => r.verified), [true]);
    const [r] = verifyEmbeddedScts(bad!, ca!, logs);
    assert.equal(r!.verified, false);
    assert.equal(r!.reason, 'signature does not verify');
  });

  void test('a tampered TBSCertificate fails every SCT; so do a wrong issuer, a flipped signature and a moved timestamp', () => {
    const list = chrome();
    const [leaf, issuer] = pemCerts('ct', 'certs', 'github-chain.pem');
    assert.deepEqual(verifyEmbeddedScts(tamperTbs(leaf!), issuer!, list).map((r) => r.verified), [false, false, false]);
    const [ca] = pemCerts('ct', 'certs', 'ca-cert.pem');
    assert.deepEqual(verifyEmbeddedScts(leaf!, ca!, list).map((r) => r.verified), [false, false, false]);
    // Several candidate issuers: verified when one of them is the real one.
    assert.deepEqual(verifyEmbeddedScts(leaf!, [ca!, issuer!], list).map((r) => r.verified), [true, true, true]);
    const tbs = precertTbs(leaf!);
    const entry = { type: 'precert' as const, issuerKeyHash: createHash('sha256').update(issuer!.spki).digest(), tbs };
    const sct = embeddedScts(leaf!)[0]!;
    const flipped: Sct = { ...sct, signature: Buffer.from(sct.signature) };
    flipped.signature[flipped.signature.length - 1]! ^= 1;
    const later: Sct = { ...sct, timestamp: sct.timestamp + 1 };
    assert.deepEqual(verifyScts([sct, flipped, later], [entry], list).map((r) => r.verified), [true, false, false]);
  });

  void test('unknown logs and a missing issuer are reported as such, not as failures', () => {
    const [leaf, issuer] = pemCerts('ct', 'certs', 'github-chain.pem');
    assert.deepEqual(verifyEmbeddedScts(leaf!, issuer!, new Map()).map((r) => [r.verified, r.log]), [
      ['unknown-log', null],
      ['unknown-log', null],
      ['unknown-log', null],
    ]);
    assert.deepEqual(verifyEmbeddedScts(leaf!, null, chrome()).map((r) => r.verified), ['no-issuer', 'no-issuer', 'no-issuer']);
  });

  void test('certificates without the extension have no SCTs and an unchanged precert TBS', () => {
    const [leaf] = pemCerts('ct', 'certs', 'no-sct.badssl.com.pem');
    assert.deepEqual(embeddedScts(leaf!), []);
    assert.deepEqual(verifyEmbeddedScts(leaf!, null, chrome()), []);
    assert.ok(precertTbs(leaf!).equals(leaf!.tbs));
  });

  void test('the precert TBS is the original minus exactly the SCT extension, re-encoded with correct lengths', () => {
    const [leaf] = pemCerts('ct', 'certs', 'github-chain.pem');
    const tbs = precertTbs(leaf!);
    const sctExt = leaf!.extensions.find((e) => e.oid === '1.3.6.1.4.1.11129.2.4.2')!;
    const removed = sctExt.tlv.end - sctExt.tlv.start;
    // The TBS and [3] and extensions-SEQUENCE headers keep their length-of-length here, so sizes differ by the extension alone.
    assert.equal(tbs.length, leaf!.tbs.length - removed);
    const top = readTlv(tbs, 0);
    assert.equal(top.end, tbs.length);
    assert.equal(childrenOf(tbs, top).length, childrenOf(leaf!.tbs, readTlv(leaf!.tbs, 0)).length);
    assert.equal(tbs.indexOf(sctExt.value), -1);
  });

  void test('malformed SCT lists raise SctParseError', () => {
    assert.throws(() => parseSctList(Buffer.from([0, 5, 0, 3, 1, 2, 3])), SctParseError);
    assert.throws(() => parseSctList(Buffer.from([0, 3, 0, 1, 0])), SctParseError);
    assert.throws(() => parseSctList(Buffer.alloc(0)), SctParseError);
  });

  void test('SCT extensions (static-CT leaf_index) are covered by the signature', () => {
    // A log we make ourselves signs an SCT with a static-ct-api leaf_index extension over the real github precert.
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const key = publicKey.export({ type: 'spki', format: 'der' });
    const log: SctLog = { logId: createHash('sha256').update(key).digest('base64'), key, description: 'tiled test log', operator: 'test' };
    const [leaf, issuer] = pemCerts('ct', 'certs', 'github-chain.pem');
    const entry = { type: 'precert' as const, issuerKeyHash: createHash('sha256').update(issuer!.spki).digest(), tbs: precertTbs(leaf!) };
    const leafIndex = Buffer.from([0, 0, 5, 0, 0, 0, 1, 2, 3]); // type 0 (leaf_index), length 5, uint40 index
    const unsigned: Sct = { version: 0, logId: log.logId, timestamp: 1_700_000_000_000, extensions: leafIndex, hashAlg: 4, sigAlg: 3, signature: Buffer.alloc(0) };
    const sct: Sct = { ...unsigned, signature: sign('sha256', sctSignedData(unsigned, entry), privateKey) };
    const otherIndex: Sct = { ...sct, extensions: Buffer.from([0, 0, 5, 0, 0, 0, 1, 2, 4]) };
    assert.deepEqual(verifyScts([sct, otherIndex], [entry], new Map([[log.logId, log]])).map((r) => r.verified), [true, false]);
  });
});

void describe("agreement with Zeek's SCT validation (validate-sct.stdout.txt)", { skip: needsShared }, () => {
  /** Zeek's printed SCT records per trace: timestamp, source and verdict, with the log names printed after each list. */
  function zeekResults(): { timestamp: number; source: string; valid: boolean; log: string }[][] {
    const lines = readFileSync(fixture('pcap', 'zeek-validate-sct', 'validate-sct.stdout.txt'), 'latin1').split('\n').slice(1);
    const out: { timestamp: number; source: string; valid: boolean; log: string }[][] = [];
    for (const line of lines) {
      if (line.startsWith('[[')) {
        out.push([...line.matchAll(/timestamp=(\d+), .*?source=SSL::SCT_(\w+)_EXT, valid=([TF])\]/g)].map((m) => ({ timestamp: Number(m[1]), source: m[2]!, valid: m[3] === 'T', log: '' })));
      } else if (line.trim()) {
        const rec = out.at(-1)!.find((r) => r.log === '')!;
        rec.log = line.replace(/, [TF]$/, '');
        assert.equal(line.endsWith(', T'), rec.valid);
      }
    }
    return out;
  }

  void test('embedded (X509) and TLS-extension SCTs of the ritter.vg traces: same logs, timestamps and verdicts', () => {
    const zeek = zeekResults();
    const list = chrome();
    const traces = ['signed_certificate_timestamp.pcap', 'signed_certificate_timestamp-2.pcap'].map((f) => certificatesFromPcap(fixture('pcap', 'zeek-validate-sct', f)));
    let compared = 0;
    traces.forEach((trace, i) => {
      const [flight] = trace.flights;
      const chain = flight!.chain.map((d) => parseCertificate(d));
      const ours = [
        ...verifyScts(parseSctList(flight!.sctExtension!), [{ type: 'x509', certificate: chain[0]!.der }], list).map((r) => ({ ...r, source: 'TLS' })),
        ...verifyEmbeddedScts(chain[0]!, chain[1]!, list).map((r) => ({ ...r, source: 'X509' })),
      ];
      // OCSP-stapled SCTs are not extracted here (that needs an OCSP response parser); they repeat the TLS ones.
      const theirs = zeek[i]!.filter((z) => z.source !== 'OCSP');
      assert.deepEqual(
        ours.map((r) => ({ timestamp: r.timestamp.getTime(), source: r.source, valid: r.verified === true, log: r.log?.description })),
        theirs,
      );
      compared += ours.length;
    });
    assert.equal(compared, 3 + 6 + 4);
  });
});
