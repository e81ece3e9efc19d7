import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { knownValidationStatuses, normalizeValidationStatus } from '../../src/tls/validation.ts';

const cat = (s: string | null | undefined): string => normalizeValidationStatus(s).category;

void describe('validation_status normalisation', () => {
  void test('OpenSSL 1.x and 3.x spellings of the categorised errors', () => {
    assert.equal(cat('ok'), 'ok');
    assert.equal(cat('self signed certificate'), 'self_signed');
    assert.equal(cat('self-signed certificate'), 'self_signed');
    assert.equal(cat('self signed certificate in certificate chain'), 'self_signed');
    assert.equal(cat('self-signed certificate in certificate chain'), 'self_signed');
    assert.equal(cat('unable to get local issuer certificate'), 'unknown_issuer');
    assert.equal(cat('unable to get issuer certificate'), 'unknown_issuer');
    assert.equal(cat('unable to verify the first certificate'), 'unknown_issuer');
    assert.equal(cat('certificate has expired'), 'expired');
    assert.equal(cat('certificate is not yet valid'), 'not_yet_valid');
    assert.equal(cat('certificate is not yet valid or the system clock is incorrect'), 'not_yet_valid');
  });

  void test('leaf vs chain self-signed is kept in the detail', () => {
    assert.equal(normalizeValidationStatus('self signed certificate').detail, 'DEPTH_ZERO_SELF_SIGNED_CERT');
    assert.equal(normalizeValidationStatus('self-signed certificate in certificate chain').detail, 'SELF_SIGNED_CERT_IN_CHAIN');
  });

  void test('other failures, old capitalisation, and OpenSSL 1.x unknown codes', () => {
    assert.equal(cat('certificate revoked'), 'other_failure');
    assert.equal(cat('Hostname mismatch'), 'other_failure');
    assert.equal(normalizeValidationStatus('Hostname mismatch').known, true);
    const n = normalizeValidationStatus('error number 94');
    assert.deepEqual([n.category, n.known, n.detail], ['other_failure', true, 'OpenSSL error 94']);
  });

  void test("Zeek's own messages mean the check did not run", () => {
    for (const s of ['Problem initializing root store', 'no certificates', 'No certificate in opaque']) assert.equal(cat(s), 'unavailable', s);
  });

  void test('unset fields are unavailable; unknown text is another failure, flagged, raw kept', () => {
    for (const s of [null, undefined, '', '-', '(empty)']) assert.equal(cat(s), 'unavailable');
    assert.equal(normalizeValidationStatus(null).raw, null);
    const weird = normalizeValidationStatus('  something new  ');
    assert.deepEqual([weird.category, weird.known, weird.raw], ['other_failure', false, '  something new  ']);
  });

  void test('every listed text normalises as known', () => {
    const all = knownValidationStatuses();
    assert.ok(all.length > 30);
    for (const s of all) assert.equal(normalizeValidationStatus(s).known, true, s);
  });
});
