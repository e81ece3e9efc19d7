import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import {
  CT_LOGS_SOURCE, defaultCtLogList, loadCtLogList, mergeCtLogLists, parseCtLogList, renderCtLogsModule, verifyLogListSignature,
} from '../../src/intel/ct-log-list.ts';
import { UsageError } from '../../src/util/errors.ts';
import { fixture, needsShared, repoRoot } from '../helpers/shared.ts';
import { tmpDir } from '../helpers/tmp.ts';

const CHROME = (): string => fixture('ct', 'chrome-all_logs_list-2025-05-23.json');
const SIG = (): string => fixture('ct', 'chrome-all_logs_list-2025-05-23.sig');
const PUBKEY = (): string => fixture('ct', 'chrome-log_list_pubkey.pem');
const APPLE = (): string => fixture('ct', 'apple-current_log_list-2025.json');

function count<T>(items: T[], key: (t: T) => string | null): Record<string, number> {
  const out: Record<string, number> = {};
  for (const i of items) out[key(i) ?? 'null'] = (out[key(i) ?? 'null'] ?? 0) + 1;
  return out;
}

void describe('Chrome log list v3', { skip: needsShared }, () => {
  void test('all 184 logs: ids recomputed from keys, operators, states, RFC 6962 and static-CT (tiled) logs', () => {
    const list = parseCtLogList(readFileSync(CHROME()));
    assert.equal(list.format, 'chrome');
    assert.equal(list.version, '54.12');
    assert.equal(list.timestamp, '2025-05-23T12:54:15Z');
    assert.equal(list.logs.length, 184);
    assert.deepEqual(count(list.logs, (l) => l.state), { rejected: 100, usable: 33, pending: 8, qualified: 5, retired: 3, readonly: 1, null: 34 });
    assert.deepEqual(count(list.logs, (l) => l.api), { rfc6962: 175, 'static-ct': 9 });
    assert.equal(new Set(list.logs.map((l) => l.operator)).size, 22);
    for (const l of list.logs) assert.equal(l.logId, createHash('sha256').update(l.key).digest('base64'));
    const pilot = list.get('pLkJkLQYWBSHuxOizGdwCjw1mAT5G9+443fNDsgN3BA=');
    assert.equal(pilot?.description, "Google 'Pilot' log");
    assert.equal(pilot?.operator, 'Google');
    assert.equal(pilot?.url, 'https://ct.googleapis.com/pilot/');
    const twig = list.logs.find((l) => l.description === "Let's Encrypt Twig2025h1b")!;
    assert.equal(twig.api, 'static-ct');
    assert.equal(twig.url, 'https://twig.ct.letsencrypt.org/2025h1b/');
    assert.deepEqual(twig.interval, { start: '2024-12-17T00:00:00Z', end: '2025-06-17T00:00:00Z' });
    assert.equal(list.logs.filter((l) => l.logType === 'test').length, 20);
  });

  void test('the signature verifies over the exact bytes (openssl dgst -sha256 -verify) and fails on any change', () => {
    const data = readFileSync(CHROME());
    const sig = readFileSync(SIG());
    const key = readFileSync(PUBKEY());
    assert.equal(verifyLogListSignature(data, sig, key), true);
    const changed = Buffer.from(data);
    changed[data.indexOf('"usable"') + 1]! ^= 0x20;
    assert.equal(verifyLogListSignature(changed, sig, key), false);
    assert.equal(verifyLogListSignature(data, sig.subarray(1), key), false);
    assert.equal(loadCtLogList(CHROME(), { signatureFile: SIG(), publicKeyFile: PUBKEY() }).signatureVerified, true);
    const dir = tmpDir();
    const tampered = path.join(dir, 'list.json');
    writeFileSync(tampered, changed);
    assert.throws(() => loadCtLogList(tampered, { signatureFile: SIG(), publicKeyFile: PUBKEY() }), /does not verify/);
  });
});

void describe('Apple log list', { skip: needsShared }, () => {
  void test('parses to the same facts as Chrome for the logs both list', () => {
    const apple = parseCtLogList(readFileSync(APPLE()));
    const chrome = parseCtLogList(readFileSync(CHROME()));
    assert.equal(apple.format, 'apple');
    assert.equal(apple.version, '364');
    assert.equal(apple.logs.length, 127);
    assert.deepEqual(count(apple.logs, (l) => l.state), { rejected: 80, usable: 33, qualified: 10, retired: 3, readonly: 1 });
    for (const l of apple.logs) {
      const c = chrome.get(l.logId);
      assert.ok(c, l.description);
      assert.ok(c.key.equals(l.key));
    }
    const merged = mergeCtLogLists(chrome, apple);
    assert.equal(merged.logs.length, 184);
    assert.equal(mergeCtLogLists(apple, chrome).logs.length, 184);
  });
});

void describe('malformed lists', () => {
  const key = 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE6Tx2p1yKY4015NyIYvdrk36es0uAc1zA4PQ+TGRY+3ZjUTIYY9Wyu+3q/147JG4vNVKLtDWarZwVqGkg6lAYzA==';
  const entry = (logId: string): unknown => ({ operators: [{ name: 'X', logs: [{ description: 'x', log_id: logId, key, mmd: 86400 }] }] });

  void test('a log id that is not the hash of the key is refused', () => {
    assert.doesNotThrow(() => parseCtLogList(JSON.stringify(entry('sh4FzIuizYogTodm+Su5iiUgZ2va+nDnsklTLe+LkF4='))));
    assert.throws(() => parseCtLogList(JSON.stringify(entry('AAAAzIuizYogTodm+Su5iiUgZ2va+nDnsklTLe+LkF4=')), 'list.json'), (e: Error) => e instanceof UsageError && /list\.json: log "x"/.test(e.message));
  });

  void test('non-JSON and wrong shapes are UsageErrors naming the source', () => {
    assert.throws(() => parseCtLogList('{', 'a.json'), (e: Error) => e instanceof UsageError && e.message.startsWith('a.json: not JSON'));
    assert.throws(() => parseCtLogList('{"operators": [{"name": 1}]}', 'b.json'), (e: Error) => e instanceof UsageError && e.message.startsWith('b.json: not a CT log list'));
    assert.throws(() => parseCtLogList('[]', 'c.json'), UsageError);
  });
});

void describe('the generated default table', () => {
  void test('names its source and holds well-formed facts', () => {
    const list = defaultCtLogList();
    assert.equal(CT_LOGS_SOURCE.generator, 'scripts/gen-ct-logs.ts');
    assert.ok(list.logs.length > 0);
    assert.equal(list.version, CT_LOGS_SOURCE.version);
    for (const l of list.logs) assert.equal(l.logId, createHash('sha256').update(l.key).digest('base64'));
  });

  void test('is exactly what the generator makes from its source list (not edited by hand)', { skip: needsShared }, () => {
    const source = fixture('ct', CT_LOGS_SOURCE.file);
    const data = readFileSync(source);
    assert.equal(createHash('sha256').update(data).digest('hex'), CT_LOGS_SOURCE.sha256);
    const check = CT_LOGS_SOURCE.signatureVerified ? { signatureFile: SIG(), publicKeyFile: PUBKEY() } : undefined;
    const list = loadCtLogList(source, check);
    const text = renderCtLogsModule(list, { file: CT_LOGS_SOURCE.file, sha256: CT_LOGS_SOURCE.sha256, signatureVerified: list.signatureVerified });
    assert.equal(text, readFileSync(path.join(repoRoot, 'src', 'intel', 'generated', 'ct-logs.ts'), 'utf8'));
  });
});
