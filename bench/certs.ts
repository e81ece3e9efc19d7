// Analyses E (cert-issues) and F (ct-transparency) at scale: 200 000 distinct server certificates logged as DER
// (x509 `cert` column), 10 M ssl.log sessions, a 500-entry top list and a CT fingerprint set.
//   node --import tsx bench/certs.ts [--certs N] [--sessions N] [--keep]
// Phases, each in its own process so its peak RSS is its own: gen (certificates + Zeek TSV), ingest (dhai
// ingest), run (a bare scan of ssl, then each analysis, then the verification steps alone for their rates).
//
// Certificates are made from a DER template, not by an X.509 library per certificate: @peculiar/x509 builds
// one leaf TBSCertificate (with and without a 2-SCT list), each certificate patches the serial, the host names
// (same length) and the SCT list into a copy, and signs it with node:crypto: ECDSA P-256 for the issuing CA and
// for two test CT logs, one shared leaf key. 80 % carry two embedded SCTs; an ECDSA signature is re-made until
// its DER is 71 bytes (about half are) so the template's lengths hold.
import 'reflect-metadata';
import { spawnSync } from 'node:child_process';
import { createHash, generateKeyPairSync, sign, webcrypto, type KeyObject } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as x509 from '@peculiar/x509';
import { DuckDBInstance } from '@duckdb/node-api';
import { args, load, numOpt, root } from './common.ts';

const work = path.join(root, 'bench', 'out', 'certs');
const N_CERTS = numOpt('--certs', 200_000);
const N_SESSIONS = numOpt('--sessions', 10_000_000);
const rss = (): number => Math.round(process.resourceUsage().maxRSS / 1024);

// ---------------------------------------------------------------- gen
async function gen(): Promise<void> {
  const { parseCertificate } = await import('../src/x509/certificate.ts');
  const { sctSignedData } = await import('../src/x509/sct.ts');
  x509.cryptoProvider.set(webcrypto as unknown as Crypto);
  const t0 = performance.now();
  const ec = { name: 'ECDSA', namedCurve: 'P-256' };
  const kp = async () => (await webcrypto.subtle.generateKey(ec, true, ['sign', 'verify'])) as CryptoKeyPair;
  const [rootKeys, caKeys, leafKeys] = [await kp(), await kp(), await kp()];
  const alg = { name: 'ECDSA', hash: 'SHA-256' } as Algorithm;
  const mk = (subject: string, issuer: string, pub: CryptoKey, signer: CryptoKey, ca: boolean, ext: x509.Extension[] = [], serial = '01') =>
    x509.X509CertificateGenerator.create({
      serialNumber: serial, subject, issuer, notBefore: new Date('2017-06-01T00:00:00Z'), notAfter: new Date('2019-06-01T00:00:00Z'),
      publicKey: pub, signingKey: signer, signingAlgorithm: alg,
      extensions: [new x509.BasicConstraintsExtension(ca, undefined, true), ...ext],
    });
  const rootCert = await mk('CN=Bench Root,O=Bench Trust', 'CN=Bench Root,O=Bench Trust', rootKeys.publicKey, rootKeys.privateKey, true);
  const caCert = await mk('CN=Bench Issuing CA,O=Bench Trust', 'CN=Bench Root,O=Bench Trust', caKeys.publicKey, rootKeys.privateKey, true);
  const caDer = Buffer.from(caCert.rawData);
  const caKey = (await import('node:crypto')).createPrivateKey({ key: Buffer.from(await webcrypto.subtle.exportKey('pkcs8', caKeys.privateKey)), format: 'der', type: 'pkcs8' });

  const logs = [0, 1].map(() => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const spki = publicKey.export({ type: 'spki', format: 'der' });
    return { key: privateKey, spki, id: createHash('sha256').update(spki).digest() };
  });
  const NAME = 'h000000.svc000.example';
  const SERIAL = '1122334455667788';
  const sctLen = 1 + 32 + 8 + 2 + 2 + 2 + 71;
  const listLen = 2 + 2 * (2 + sctLen);
  const placeholder = Buffer.alloc(listLen, 0xab);
  const octet = Buffer.concat([Buffer.from([0x04, 0x81, listLen]), placeholder]);
  const san = new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: NAME }]);
  const pre = await mk(`CN=${NAME},O=Bench Services`, 'CN=Bench Issuing CA,O=Bench Trust', leafKeys.publicKey, caKeys.privateKey, false, [san], SERIAL);
  const full = await mk(`CN=${NAME},O=Bench Services`, 'CN=Bench Issuing CA,O=Bench Trust', leafKeys.publicKey, caKeys.privateKey, false,
    [san, new x509.Extension('1.3.6.1.4.1.11129.2.4.2', false, octet)], SERIAL);
  const preTbs = parseCertificate(Buffer.from(pre.rawData)).tbs;
  const fullTbs = parseCertificate(Buffer.from(full.rawData)).tbs;
  const sigAlg = Buffer.from('300a06082a8648ce3d040302', 'hex'); // ecdsa-with-SHA256
  const issuerKeyHash = createHash('sha256').update(parseCertificate(caDer).spki).digest();
  const positions = (buf: Buffer, needle: Buffer): number[] => {
    const out: number[] = [];
    for (let i = buf.indexOf(needle); i >= 0; i = buf.indexOf(needle, i + 1)) out.push(i);
    return out;
  };
  const preAt = { serial: positions(preTbs, Buffer.from(SERIAL, 'hex')), name: positions(preTbs, Buffer.from(NAME)) };
  const fullAt = { serial: positions(fullTbs, Buffer.from(SERIAL, 'hex')), name: positions(fullTbs, Buffer.from(NAME)), scts: positions(fullTbs, placeholder)[0]! };
  const len = (n: number): Buffer => (n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]));
  const tlv = (tag: number, body: Buffer): Buffer => Buffer.concat([Buffer.from([tag]), len(body.length), body]);
  const sign71 = (data: Buffer, key: KeyObject): Buffer => {
    for (;;) {
      const s = sign('sha256', data, { key, dsaEncoding: 'der' });
      if (s.length === 71) return s;
    }
  };
  const patch = (tbs: Buffer, at: { serial: number[]; name: number[] }, serial: Buffer, name: Buffer): Buffer => {
    const b = Buffer.from(tbs);
    for (const p of at.serial) serial.copy(b, p);
    for (const p of at.name) name.copy(b, p);
    return b;
  };

  mkdirSync(path.join(work, 'logs'), { recursive: true });
  const x = openSync(path.join(work, 'logs', 'x509.log'), 'w');
  const hdr = (p: string, fields: string[], types: string[]) =>
    `#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\t${p}\n#open\t2018-01-01-00-00-00\n#fields\t${fields.join('\t')}\n#types\t${types.join('\t')}\n`;
  writeSync(x, hdr('x509', ['ts', 'fingerprint', 'certificate.version', 'certificate.serial', 'certificate.subject', 'certificate.issuer', 'certificate.not_valid_before',
    'certificate.not_valid_after', 'certificate.key_alg', 'certificate.sig_alg', 'certificate.key_type', 'certificate.key_length', 'certificate.exponent', 'certificate.curve',
    'san.dns', 'san.uri', 'san.email', 'san.ip', 'basic_constraints.ca', 'basic_constraints.path_len', 'host_cert', 'client_cert', 'cert'],
  ['time', 'string', 'count', 'string', 'string', 'string', 'time', 'time', 'string', 'string', 'string', 'count', 'string', 'string', 'vector[string]',
    'vector[string]', 'vector[string]', 'vector[addr]', 'bool', 'count', 'bool', 'bool', 'string']));
  const row = (ts: number, c: ReturnType<typeof parseCertificate>): string =>
    [(ts / 1000).toFixed(6), c.sha256, '3', c.serial, c.subject.text, c.issuer.text, (c.notBefore.getTime() / 1000).toFixed(6), (c.notAfter.getTime() / 1000).toFixed(6),
      c.key.alg, c.signature.alg, c.key.type, String(c.key.bits), '-', c.key.curve ?? '-', c.san.dns.join(',') || '-', '-', '-', '-', c.isCa ? 'T' : 'F', '-', 'T', 'F',
      c.der.toString('base64')].join('\t') + '\n';
  const start = Date.parse('2018-01-01T00:00:00Z');
  writeSync(x, row(start, parseCertificate(caDer)));
  const fps: string[] = [];
  const ct: string[] = [];
  let chunk = '';
  for (let i = 0; i < N_CERTS; i++) {
    const serial = createHash('sha256').update(`serial ${i}`).digest().subarray(0, 8);
    serial[0] = serial[0]! & 0x7f | 0x10;
    // 1 in 1000 is the hospital's own (hosp00.example), the rest spread over 600 services (500 on the top list)
    const domain = i % 1000 === 0 ? 'hosp00' : `svc${String(i % 600).padStart(3, '0')}`;
    const name = Buffer.from(`h${String(i).padStart(6, '0')}.${domain}.example`);
    let tbs: Buffer;
    if (i % 5 !== 4) {
      const p = patch(preTbs, preAt, serial, name);
      const list: Buffer[] = [];
      for (const log of logs) {
        const ts = Buffer.alloc(8);
        const when = Date.parse('2017-06-01T00:00:00Z') + i;
        ts.writeBigUInt64BE(BigInt(when));
        const sct = { version: 0, logId: log.id.toString('base64'), timestamp: when, extensions: Buffer.alloc(0), hashAlg: 4, sigAlg: 3, signature: Buffer.alloc(0) };
        const s = sign71(sctSignedData(sct, { type: 'precert', issuerKeyHash, tbs: p }), log.key);
        const body = Buffer.concat([Buffer.from([0]), log.id, ts, Buffer.from([0, 0, 4, 3, 0, 71]), s]);
        list.push(Buffer.from([body.length >> 8, body.length & 0xff]), body);
      }
      tbs = patch(fullTbs, fullAt, serial, name);
      Buffer.concat([Buffer.from([(listLen - 2) >> 8, (listLen - 2) & 0xff]), ...list]).copy(tbs, fullAt.scts);
    } else tbs = patch(preTbs, preAt, serial, name);
    const sig = sign('sha256', tbs, { key: caKey, dsaEncoding: 'der' });
    const der = tlv(0x30, Buffer.concat([tbs, sigAlg, tlv(0x03, Buffer.concat([Buffer.from([0]), sig]))]));
    const c = parseCertificate(der);
    fps.push(c.sha256);
    // the CT fingerprint set lists 70 % of them, overlapping the 80 % with SCTs: 10 % have no evidence
    if (i % 10 < 7) ct.push(c.sha256);
    chunk += row(start + (i % 86_400) * 1000, c);
    if (chunk.length > 1 << 20) {
      writeSync(x, chunk);
      chunk = '';
    }
  }
  writeSync(x, chunk + '#close\t2018-01-31-00-00-00\n');
  closeSync(x);
  const genCerts = (performance.now() - t0) / 1000;

  // sessions: DuckDB writes 10 M ssl.log rows from the fingerprints (each certificate ~50 sessions)
  const t1 = performance.now();
  const db = await DuckDBInstance.create(':memory:', { threads: '2', memory_limit: '2GB' });
  const c = await db.connect();
  await c.run('CREATE TABLE fp (i INTEGER, fp VARCHAR)');
  const app = await c.createAppender('fp');
  fps.forEach((f, i) => {
    app.appendInteger(i);
    app.appendVarchar(f);
    app.endRow();
  });
  app.closeSync();
  const caFp = parseCertificate(caDer).sha256;
  const sslHeader = hdr('ssl', ['ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'version', 'cipher', 'curve', 'server_name', 'resumed', 'last_alert',
    'next_protocol', 'established', 'ssl_history', 'cert_chain_fps', 'client_cert_chain_fps', 'sni_matches_cert', 'validation_status'],
  ['time', 'string', 'addr', 'port', 'addr', 'port', 'string', 'string', 'string', 'string', 'bool', 'string', 'string', 'bool', 'string', 'vector[string]', 'vector[string]', 'bool', 'string']);
  const files = 10;
  for (let f = 0; f < files; f++) {
    const body = path.join(work, `ssl-${f}.body`);
    const per = Math.ceil(N_SESSIONS / files);
    // each certificate once per round of N_CERTS sessions; rounds 3, 13, 23… resumed (10 %), round 7 TLS 1.3 (no
    // certificate seen); status by certificate: 92 % ok, 4 % unknown issuer, 2 % self-signed, 2 % expired
    await c.run(`COPY (
      SELECT printf('%.6f', 1514764800 + (s.n * 2592000.0 / ${N_SESSIONS})) AS ts, 'C' || s.n AS uid,
        '10.' || (s.n % 7) || '.' || ((s.n // 7) % 250) || '.' || ((s.n // 1750) % 250) AS orig, 40000 + s.n % 20000 AS op,
        '203.0.' || (k.i % 250) || '.' || ((k.i // 250) % 250) AS resp, 443 AS rp,
        CASE WHEN s.n // ${N_CERTS} = 7 THEN 'TLSv13' ELSE 'TLSv12' END AS version, 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256' AS cipher, 'x25519' AS curve, '-' AS sni,
        CASE WHEN (s.n // ${N_CERTS}) % 10 = 3 THEN 'T' ELSE 'F' END AS resumed, '-' AS alert, '-' AS np, 'T' AS est, 'CsiI' AS hist,
        CASE WHEN s.n // ${N_CERTS} = 7 OR (s.n // ${N_CERTS}) % 10 = 3 THEN '-' ELSE k.fp || ',' || '${caFp}' END AS chain, '-' AS cchain, '-' AS sni_m,
        CASE WHEN s.n // ${N_CERTS} = 7 OR (s.n // ${N_CERTS}) % 10 = 3 THEN '-' WHEN k.i % 100 < 92 THEN 'ok' WHEN k.i % 100 < 96 THEN 'unable to get local issuer certificate'
          WHEN k.i % 100 < 98 THEN 'self signed certificate' ELSE 'certificate has expired' END AS status
      FROM (SELECT ${f * per} + range AS n FROM range(${per})) s JOIN fp k ON k.i = (s.n * 7919) % ${N_CERTS}
      ORDER BY s.n
    ) TO '${body}' (DELIMITER '\t', HEADER false)`);
    const out = path.join(work, 'logs', `ssl.${String(f).padStart(2, '0')}.log`);
    writeFileSync(out, sslHeader);
    spawnSync('sh', ['-c', `cat '${body}' >> '${out}' && printf '#close\\t2018-01-31-00-00-00\\n' >> '${out}' && rm '${body}'`]);
  }
  c.closeSync();
  db.closeSync();
  writeFileSync(path.join(work, 'ct.txt'), `${ct.join('\n')}\n`);
  const top = Array.from({ length: 500 }, (_, i) => `${i + 1},svc${String(i).padStart(3, '0')}.example`).join('\n');
  writeFileSync(path.join(work, 'top.csv'), `${top}\n`);
  writeFileSync(path.join(work, 'roots.pem'), `-----BEGIN CERTIFICATE-----\n${Buffer.from(rootCert.rawData).toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`);
  writeFileSync(path.join(work, 'logs.json'), JSON.stringify({ log_list_timestamp: '2018-01-01T00:00:00Z', version: 'bench', operators: [{ name: 'Bench', logs: logs.map((l, i) => ({ description: `Bench log ${i}`, log_id: l.id.toString('base64'), key: l.spki.toString('base64') })) }] }));
  console.log(JSON.stringify({ phase: 'gen', certs: N_CERTS, sessions: N_SESSIONS, certSeconds: genCerts, sessionSeconds: (performance.now() - t1) / 1000, maxRssMiB: rss() }));
}

// ---------------------------------------------------------------- ingest
async function ingest(): Promise<void> {
  const { runIngest } = await import('../src/ingest/ingest.ts');
  const { openStore } = await import('../src/store/store.ts');
  const { importFeedFile } = await import('../src/intel/feed-store.ts');
  const t0 = performance.now();
  const db = path.join(work, 'store.duckdb');
  rmSync(db, { force: true });
  rmSync(`${db}.parts`, { recursive: true, force: true });
  const s = await runIngest({ paths: [path.join(work, 'logs')], db });
  const store = await openStore(db);
  await importFeedFile(store.conn, path.join(work, 'top.csv'), { kind: 'toplist', name: 'bench-top' });
  await importFeedFile(store.conn, path.join(work, 'ct.txt'), { kind: 'ct-fingerprints', name: 'bench-ct' });
  await store.close();
  console.log(JSON.stringify({ phase: 'ingest', rows: s.rowsStored, seconds: (performance.now() - t0) / 1000, maxRssMiB: rss() }));
}

// ---------------------------------------------------------------- run
async function run(): Promise<void> {
  const { openStore } = await import('../src/store/store.ts');
  const { certIssues } = await import('../src/analyses/cert-issues.ts');
  const { ctTransparency } = await import('../src/analyses/ct-transparency.ts');
  const { parseSite } = await import('../src/config/site.ts');
  const { loadCtLogList } = await import('../src/intel/ct-log-list.ts');
  const { trustStoreFromPemFile } = await import('../src/x509/trust-store.ts');
  const { loadCertFacts } = await import('../src/analyses/cert-inputs.ts');
  const { derIssuerPool, verifyDerLeaves, verifyDerScts } = await import('../src/analyses/cert-verify.ts');
  const store = await openStore(path.join(work, 'store.duckdb'), { readOnly: true });
  const conn = store.conn;
  const site = parseSite('networks:\n  internal: [10.0.0.0/8]\ndomains: [hosp00.example]\n', 'bench site');
  const certs = { roots: trustStoreFromPemFile(path.join(work, 'roots.pem')), ctLogList: loadCtLogList(path.join(work, 'logs.json')) };
  const timed = async <T>(f: () => Promise<T>): Promise<[T, number]> => {
    const t = performance.now();
    const r = await f();
    return [r, (performance.now() - t) / 1000];
  };
  const out: Record<string, unknown> = { phase: 'run', loadBefore: load() };
  const [scan, scanS] = await timed(async () => (await conn.runAndReadAll(
    `SELECT count(*), count(*) FILTER (WHERE established AND NOT resumed), count(DISTINCT cert_chain_fps[1]), count(DISTINCT validation_status) FROM ssl`)).getRows()[0]!.map(Number));
  out.bareScan = { seconds: scanS, rows: scan[0], fresh: scan[1], leaves: scan[2] };
  const [ci, ciS] = await timed(() => certIssues.run({ conn, site, window: {}, certs }));
  out.certIssues = { seconds: ciS, ratioToScan: ciS / scanS, fresh: ci.metrics.fresh_sessions, verifiedCerts: ci.metrics.verified_certs, findings: ci.findings.length };
  const [ct, ctS] = await timed(() => ctTransparency.run({ conn, site, window: {}, certs }));
  out.ctTransparency = { seconds: ctS, ratioToScan: ctS / scanS, certs: ct.metrics.certs_total, logged: ct.metrics.certs_logged, servicesKept: ct.metrics.services_kept };
  // the verification steps alone, for their rates: each distinct certificate once, DER read from the store
  const inputs = await loadCertFacts(conn);
  await conn.run(`CREATE OR REPLACE TEMP TABLE b_want AS SELECT key, first_ts AS first_at FROM cert_x509 WHERE has_der AND NOT coalesce(ca, false)`);
  const sources = { roots: certs.roots, internalCas: undefined };
  const [pool, poolS] = await timed(() => derIssuerPool(conn, inputs.keyedX509));
  const [chain, chainS] = await timed(() => verifyDerLeaves(conn, inputs.keyedX509, 'b_want', 'b_verify', sources, pool));
  out.chainVerification = { certs: chain.verified, seconds: chainS, perSecond: chain.verified / chainS, cryptoPerSecond: chain.verified / (chain.cryptoMs / 1000), poolSeconds: poolS };
  const [sct, sctS] = await timed(() => verifyDerScts(conn, inputs.keyedX509, 'b_want', 'b_sct', sources, pool, certs.ctLogList));
  out.sctVerification = { certs: sct.certificates, seconds: sctS, perSecond: sct.certificates / sctS, cryptoPerSecond: sct.certificates / (sct.cryptoMs / 1000) };
  out.loadAfter = load();
  out.maxRssMiB = rss();
  await store.close();
  console.log(JSON.stringify(out));
}

// ---------------------------------------------------------------- main
const phase = args[0];
if (phase === 'gen') await gen();
else if (phase === 'ingest') await ingest();
else if (phase === 'run') await run();
else {
  console.log(`node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} x${cpus().length}; load average ${load()} (the machine is shared)`);
  const child = (p: string) => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), p, ...args], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 24, stdio: ['ignore', 'pipe', 'inherit'] });
    if (r.status !== 0) throw new Error(`phase ${p} failed`);
    const line = r.stdout.trim().split('\n').pop()!;
    console.log(line);
    return JSON.parse(line) as Record<string, unknown>;
  };
  if (!(args.includes('--keep') && existsSync(path.join(work, 'store.duckdb')))) {
    rmSync(work, { recursive: true, force: true });
    child('gen');
    child('ingest');
  }
  child('run');
}
