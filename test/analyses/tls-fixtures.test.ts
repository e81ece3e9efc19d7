// The TLS sections on real ssl.log files of three Zeek generations, each figure checked against a count made
// here directly from the log text (no store, no SQL): MACCDC 2012 (JSON, Zeek ≥ 4.1 fingerprints; SSLv2, SSLv3,
// TLS 1.0, RC4, self-signed SHA-1 certificates), RITA's proxy capture (TSV, pre-4.1 layout; TLS 1.3 through a
// proxy, directions from conn.log's local_orig/local_resp) and CTU-SME-11 (Zeek 6.x TSV with extra columns).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { cipherQuality } from '../../src/analyses/cipher-quality.ts';
import { obsoleteDevices } from '../../src/analyses/obsolete-devices.ts';
import { tlsReportCards } from '../../src/analyses/tls-report-cards.ts';
import { tlsVersions } from '../../src/analyses/tls-versions.ts';
import type { Analysis, CountShare, SectionResult } from '../../src/analyses/types.ts';
import { parseSite, type Site } from '../../src/config/site.ts';
import { runIngest } from '../../src/ingest/ingest.ts';
import { openStore } from '../../src/store/store.ts';
import { fixture, needsShared } from '../helpers/shared.ts';
import { tmpDir } from '../helpers/tmp.ts';

type Rec = Record<string, unknown>;

function jsonLines(file: string): Rec[] {
  return readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Rec);
}

/** Zeek TSV rows as objects keyed by the #fields names ('-' → undefined). */
function tsvRows(file: string): Rec[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const fields = lines.find((l) => l.startsWith('#fields'))!.split('\t').slice(1);
  return lines.filter((l) => l && !l.startsWith('#')).map((l) => {
    const cells = l.split('\t');
    return Object.fromEntries(fields.map((f, i) => [f, cells[i] === '-' ? undefined : cells[i]]));
  });
}

async function analyse(dir: string, site: Site): Promise<Record<string, SectionResult>> {
  const db = path.join(tmpDir(), 'f.duckdb');
  await runIngest({ paths: [dir], db });
  const s = await openStore(db, { readOnly: true });
  try {
    const ctx = { conn: s.conn, site, window: {} };
    const out: Record<string, SectionResult> = {};
    for (const a of [tlsVersions, cipherQuality, obsoleteDevices, tlsReportCards] as Analysis[]) out[a.id] = await a.run(ctx);
    return out;
  } finally {
    await s.close();
  }
}

const cs = (count: number, total: number): CountShare => ({ count, share: total ? count / total : null });
const tally = <T>(xs: T[], key: (x: T) => string) => xs.reduce((m, x) => m.set(key(x), (m.get(key(x)) ?? 0) + 1), new Map<string, number>());

describe('TLS sections on real Zeek logs', { skip: needsShared }, () => {
  test('MACCDC 2012 (Zeek JSON): versions, classes, SHA-1 leaves, non-established SSLv2/SSLv3 left out', async () => {
    const dir = fixture('zeek-json', 'maccdc2012-00016');
    // the competition's servers sit in these /24s; the 192.168.202.0/24 and .203 clients are "outside"
    const nets = ['192.168.21.', '192.168.23.', '192.168.25.', '192.168.26.', '192.168.201.', '192.168.229.'];
    const site = parseSite(`networks: { internal: [${nets.map((n) => `${n}0/24`).join(', ')}] }\n`);
    const inside = (a: unknown) => nets.some((n) => String(a).startsWith(n));
    const rows = jsonLines(path.join(dir, 'ssl.log'));
    const sigOf = new Map(jsonLines(path.join(dir, 'x509.log')).map((x) => [String(x.fingerprint), String(x['certificate.sig_alg'])]));
    const est = rows.filter((r) => r.established === true && (inside(r['id.orig_h']) || inside(r['id.resp_h'])));
    assert.ok(est.every((r) => !inside(r['id.orig_h']) && inside(r['id.resp_h'])), 'all inbound in this capture');
    const byVersion = tally(est, (r) => String(r.version));
    const r = await analyse(dir, site);

    const v = r['tls-versions']!.metrics;
    assert.equal(v.inbound_sessions, est.length);
    assert.ok(est.length > 300 && rows.some((x) => x.version === 'SSLv2') && rows.some((x) => x.version === 'SSLv3'));
    for (const ver of ['SSLv2', 'SSLv3', 'TLSv10', 'TLSv11', 'TLSv12', 'TLSv13']) {
      assert.deepEqual(v[`inbound_${ver.toLowerCase()}`], cs(byVersion.get(ver) ?? 0, est.length), ver);
    }
    assert.deepEqual(v.inbound_sslv2, cs(0, est.length), 'the SSLv2 and SSLv3 handshakes never completed');
    const servers = new Set(est.map((x) => String(x['id.resp_h'])));
    const obsoleteServers = new Set(est.filter((x) => ['SSLv2', 'SSLv3', 'TLSv10', 'TLSv11'].includes(String(x.version))).map((x) => String(x['id.resp_h'])));
    assert.equal(v.inbound_devices, servers.size);
    assert.deepEqual(v.inbound_devices_obsolete_at_least_once, cs(obsoleteServers.size, servers.size));
    assert.equal(v.outbound_sessions, 0);

    const fresh = est.filter((x) => x.resumed !== true && x.cipher);
    const cls = (c: string) => (/RC4|_MD5$|NULL|EXPORT|anon|_DES_/.test(c) ? 'insecure' : /CBC|3DES|^TLS_RSA_/.test(c) ? 'weak' : 'other');
    const classes = tally(fresh, (x) => cls(String(x.cipher)));
    assert.equal(classes.get('other'), undefined, 'only RC4 and CBC suites in this capture');
    const c = r['cipher-quality']!.metrics;
    assert.equal(c.fresh_sessions, fresh.length);
    assert.deepEqual(c.class_insecure, cs(classes.get('insecure') ?? 0, fresh.length));
    assert.deepEqual(c.class_weak, cs(classes.get('weak') ?? 0, fresh.length));
    const withLeaf = fresh.filter((x) => Array.isArray(x.cert_chain_fps) && x.cert_chain_fps.length > 0);
    const sha1 = withLeaf.filter((x) => /sha1/i.test(sigOf.get(String((x.cert_chain_fps as string[])[0])) ?? ''));
    const unknown = withLeaf.filter((x) => !sigOf.has(String((x.cert_chain_fps as string[])[0])));
    assert.equal(c.cert_sig_sessions, withLeaf.length);
    assert.deepEqual(c.cert_sig_sha1, cs(sha1.length, withLeaf.length));
    assert.deepEqual(c.cert_sig_unknown, cs(unknown.length, withLeaf.length));
    assert.ok(sha1.length > 100);
    const suiteMd5 = fresh.filter((x) => String(x.cipher).endsWith('_MD5')).length;
    const suiteSha1 = fresh.filter((x) => String(x.cipher).endsWith('_SHA')).length;
    assert.deepEqual(c.suite_hash_md5, cs(suiteMd5, fresh.length));
    assert.deepEqual(c.suite_hash_sha1, cs(suiteSha1, fresh.length));

    // every session TLS 1.0: every server "only obsolete"
    const d = r['obsolete-devices']!.metrics;
    assert.deepEqual(d.inbound_status_only_obsolete, cs(servers.size, servers.size));
    const cards = r['tls-report-cards']!.tables.report_cards!;
    assert.equal(cards.length, new Set(est.map((x) => `${String(x['id.resp_h'])}:${String(x['id.resp_p'])}`)).size);
    for (const card of cards) assert.ok(['B', 'C', 'D', 'E', 'F'].includes(String(card.grade)), `${String(card.server)}: TLS 1.0 caps at B`);
  });

  test('RITA proxy (pre-4.1 TSV): TLS 1.3 without certificates, inside from conn.log local flags', async () => {
    const dir = fixture('zeek-tsv', 'rita-proxy');
    const ssl = tsvRows(path.join(dir, 'ssl.log'));
    const local = new Map(tsvRows(path.join(dir, 'conn.log')).map((c) => [String(c.uid), [c.local_orig === 'T', c.local_resp === 'T']]));
    const est = ssl.filter((s) => s.established === 'T');
    const dirOf = (s: Rec) => {
      const [o, rr] = local.get(String(s.uid)) ?? [false, false];
      return o && rr ? 'internal' : rr ? 'inbound' : o ? 'outbound' : 'external';
    };
    const internal = est.filter((s) => dirOf(s) === 'internal');
    assert.ok(internal.length > 0 && internal.every((s) => s.version === 'TLSv13'));
    for (const site of [parseSite('name: no networks\n'), parseSite('networks: { internal: [10.136.0.0/16] }\n')]) {
      const r = await analyse(dir, site);
      const v = r['tls-versions']!.metrics;
      assert.equal(v.internal_sessions, internal.length);
      assert.deepEqual(v.internal_tlsv13, cs(internal.length, internal.length));
      assert.equal(v.inbound_sessions, est.filter((s) => dirOf(s) === 'inbound').length);
      const c = r['cipher-quality']!.metrics;
      const fresh = internal.filter((s) => s.resumed !== 'T');
      assert.equal(c.fresh_sessions, fresh.length);
      assert.deepEqual(c.class_recommended, cs(fresh.length, fresh.length), 'TLS 1.3 suites');
      assert.equal(c.cert_sig_sessions, 0, 'TLS 1.3 encrypts the certificate');
      assert.deepEqual(c.fresh_sessions_no_certificate_tls13, cs(fresh.length, fresh.length));
      const cards = r['tls-report-cards']!.tables.report_cards!;
      assert.equal(cards.length, 1);
      assert.equal(cards[0]!.server, '10.136.0.16');
      assert.equal(cards[0]!.port, 3128);
    }
  });

  test('CTU-SME-11 (Zeek 6.x with label columns): handshakes that never completed are not sessions', async () => {
    const dir = fixture('zeek-tsv', 'slips-ctu-sme-11');
    const ssl = tsvRows(path.join(dir, 'ssl.log.labeled'));
    assert.ok(ssl.length > 0);
    assert.equal(ssl.filter((s) => s.established === 'T').length, 0);
    const r = await analyse(dir, parseSite('networks: { internal: [192.168.1.0/24] }\n'));
    for (const id of ['tls-versions', 'cipher-quality', 'obsolete-devices', 'tls-report-cards']) assert.equal(r[id]!.status, 'not_available', id);
  });
});
