// Providers of the online CT look-up: how each builds its request (a fingerprint and nothing else) and reads
// an answer. The crt.sh provider is checked on a real certificate: "found" only when the PEM returned hashes to
// the fingerprint asked, so a wrong or tampered answer never counts.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { crtShProvider, ctLookupSettings, resolveCtProvider, templateProvider } from '../../src/intel/ct-online.ts';
import { certificatesFromPem } from '../../src/x509/pem.ts';
import { fixture, needsShared } from '../helpers/shared.ts';

const SHA = 'ab'.repeat(32);
const body = (s: string): Uint8Array => Buffer.from(s);
const toPem = (der: Buffer): string => `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`;

void test('crt.sh: ?d=<sha256>, found only for the certificate asked (real github.com leaf), 404 not found', { skip: needsShared }, () => {
  const p = crtShProvider();
  assert.equal(p.name, 'crt.sh');
  assert.equal(p.requestUrl(SHA), `https://crt.sh/?d=${SHA}`);
  const [leaf, issuer] = certificatesFromPem(readFileSync(fixture('ct', 'certs', 'github-chain.pem'), 'latin1'));
  const sha = createHash('sha256').update(leaf!).digest('hex');
  assert.deepEqual(p.interpret({ status: 200, body: body(toPem(leaf!)) }, sha), { outcome: 'found', detail: `https://crt.sh/?sha256=${sha}` });
  assert.deepEqual(p.interpret({ status: 200, body: body(toPem(issuer!)) }, sha), { outcome: 'error', reason: 'the certificate returned has another fingerprint', httpStatus: 200 });
  const tampered = Buffer.from(leaf!);
  tampered[200]! ^= 1;
  assert.equal(p.interpret({ status: 200, body: body(toPem(tampered)) }, sha).outcome, 'error');
  assert.deepEqual(p.interpret({ status: 200, body: body('<HTML>crt.sh</HTML>') }, sha), { outcome: 'error', reason: 'the answer holds no PEM certificate', httpStatus: 200 });
  assert.deepEqual(p.interpret({ status: 404, body: null }, sha), { outcome: 'not-found' });
  assert.deepEqual(p.interpret({ status: 503, body: null }, sha), { outcome: 'error', reason: 'HTTP 503', httpStatus: 503 });
});

void test('a crt.sh-compatible mirror keeps its path; a template puts the fingerprint where {sha256} is', () => {
  const m = resolveCtProvider('http://127.0.0.1:8080/crtsh/');
  assert.equal(m.name, 'crt.sh-compatible 127.0.0.1:8080');
  assert.equal(m.requestUrl(SHA), `http://127.0.0.1:8080/crtsh/?d=${SHA}`);
  const t = resolveCtProvider('https://ct.example/api/v1/certs?sha256={sha256}&output=json');
  assert.equal(t.requestUrl(SHA), `https://ct.example/api/v1/certs?sha256=${SHA}&output=json`);
  assert.deepEqual(t.interpret({ status: 200, body: body('[{"id": 6735345729, "name_value": "a.example"}]') }, SHA), { outcome: 'found', detail: 'id 6735345729' });
  assert.deepEqual(t.interpret({ status: 200, body: body('[]') }, SHA), { outcome: 'not-found' });
  assert.deepEqual(t.interpret({ status: 404, body: null }, SHA), { outcome: 'not-found' });
  assert.deepEqual(t.interpret({ status: 200, body: body('{"found": true}') }, SHA), { outcome: 'found', detail: null });
  assert.equal(t.interpret({ status: 200, body: body('<html>') }, SHA).outcome, 'error');
  assert.equal(templateProvider('https://ct.example/{sha256}').requestUrl(SHA), `https://ct.example/${SHA}`);
  assert.equal(resolveCtProvider('crtsh').endpoint, 'https://crt.sh/');
});

void test('bad provider specifications are usage errors; the site supplies the provider and limits', () => {
  assert.throws(() => resolveCtProvider('file:///etc/passwd'), /only http and https/);
  assert.throws(() => resolveCtProvider('https://user:pw@ct.example/'), /no credentials/);
  assert.throws(() => resolveCtProvider('crt'), /neither "crtsh" nor/);
  const site = { ct_lookup: { provider: 'https://mirror.example/', private_domains: ['Lab.Hospital.Example.'], ttl_days: 2, max_requests: 5, requests_per_minute: 30, timeout_seconds: 1.5 } };
  const s = ctLookupSettings(site, true);
  assert.equal(s.provider.endpoint, 'https://mirror.example/');
  assert.deepEqual(s.privateDomains, ['lab.hospital.example']);
  assert.deepEqual(s.limits, { maxRequests: 5, requestsPerMinute: 30, timeoutMs: 1500, maxBytes: 256 * 1024, ttlMs: 2 * 86_400_000 });
  assert.equal(ctLookupSettings(site, 'crtsh').provider.name, 'crt.sh');
});
