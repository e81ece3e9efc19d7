// Small Zeek TSV logs for the DNS-categorisation tests (dns, conn, ssl, x509), written in Zeek's layout and
// read through the real ingest, one folder per sensor; feed files imported through the real feed store.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseSite, type Site } from '../../src/config/site.ts';
import { runIngest } from '../../src/ingest/ingest.ts';
import { importFeedFile } from '../../src/intel/feed-store.ts';
import type { FeedKind } from '../../src/intel/types.ts';
import { openStore } from '../../src/store/store.ts';
import type { AnalysisContext, SectionResult } from '../../src/analyses/types.ts';
import { dnsCategories } from '../../src/analyses/dns-categories.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { CLOSE, CONN_FIELDS, CONN_TYPES, header } from '../helpers/zeek-text.ts';

export const T0 = 1514764800; // 2018-01-01T00:00:00Z
export const DAY = 86400;

type Fields = Record<string, string>;

const LAYOUT = {
  dns: {
    fields: ['ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'proto', 'trans_id', 'query', 'qtype', 'qtype_name', 'answers'],
    types: ['time', 'string', 'addr', 'port', 'addr', 'port', 'enum', 'count', 'string', 'count', 'string', 'vector[string]'],
  },
  conn: { fields: CONN_FIELDS, types: CONN_TYPES },
  ssl: {
    fields: ['ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'version', 'cipher', 'server_name', 'established', 'cert_chain_fps'],
    types: ['time', 'string', 'addr', 'port', 'addr', 'port', 'string', 'string', 'string', 'bool', 'vector[string]'],
  },
  x509: {
    fields: ['ts', 'fingerprint', 'certificate.version', 'certificate.subject', 'certificate.issuer', 'san.dns', 'basic_constraints.ca'],
    types: ['time', 'string', 'count', 'string', 'string', 'vector[string]', 'bool'],
  },
} as const;
type Kind = keyof typeof LAYOUT;

let seq = 0;
let port = 40000;

export interface DnsSpec {
  client: string;
  query: string | null;
  answers?: string[];
  /** seconds after T0 */
  t?: number;
  server?: string;
  serverPort?: number;
  qtype?: 'A' | 'AAAA' | 'TXT' | 'PTR';
  uid?: string;
}

const QTYPE = { A: 1, AAAA: 28, TXT: 16, PTR: 12 } as const;

export function dns(s: DnsSpec): Fields {
  const qtype = s.qtype ?? 'A';
  return {
    ts: (T0 + (s.t ?? 0)).toFixed(6), uid: s.uid ?? `CD${(seq++).toString(36)}`, 'id.orig_h': s.client, 'id.orig_p': String(port++),
    'id.resp_h': s.server ?? '10.30.0.53', 'id.resp_p': String(s.serverPort ?? 53), proto: 'udp', trans_id: String(seq),
    query: s.query ?? '-', qtype: String(QTYPE[qtype]), qtype_name: qtype, answers: s.answers?.length ? s.answers.join(',') : '-',
  };
}

export function conn(orig: string, resp: string, respPort: number, t = 0, proto = 'tcp'): Fields {
  return {
    ts: (T0 + t).toFixed(6), uid: `CC${(seq++).toString(36)}`, 'id.orig_h': orig, 'id.orig_p': String(port++), 'id.resp_h': resp,
    'id.resp_p': String(respPort), proto, service: '-', duration: '1.000000', orig_bytes: '100', resp_bytes: '200', conn_state: 'SF',
    local_orig: '-', local_resp: '-', missed_bytes: '0', history: 'ShADadFf', tunnel_parents: '(empty)',
  };
}

export function ssl(orig: string, resp: string, respPort: number, sni: string | null, fps: string[] = [], t = 0): Fields {
  return {
    ts: (T0 + t).toFixed(6), uid: `CS${(seq++).toString(36)}`, 'id.orig_h': orig, 'id.orig_p': String(port++), 'id.resp_h': resp,
    'id.resp_p': String(respPort), version: 'TLSv12', cipher: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', server_name: sni ?? '-',
    established: 'T', cert_chain_fps: fps.length ? fps.join(',') : '(empty)',
  };
}

export function x509(fingerprint: string, subject: string, san: string[], t = 0): Fields {
  return {
    ts: (T0 + t).toFixed(6), fingerprint, 'certificate.version': '3', 'certificate.subject': subject, 'certificate.issuer': 'CN=Test CA',
    'san.dns': san.length ? san.join(',') : '-', 'basic_constraints.ca': 'F',
  };
}

function log(kind: Kind, rows: Fields[]): string {
  const { fields, types } = LAYOUT[kind];
  return header(kind, [...fields], [...types]) + rows.map((r) => fields.map((f) => r[f] ?? '-').join('\t') + '\n').join('') + CLOSE;
}

export type SensorLogs = Partial<Record<Kind, Fields[]>>;

export interface FeedFile {
  name: string;
  kind: FeedKind;
  text: string;
}

/** Write each sensor's logs to its own folder, ingest them as that sensor, import the feeds; the store path. */
export async function dnsStore(sensors: Record<string, SensorLogs>, feeds: FeedFile[] = []): Promise<string> {
  const dir = tmpDir('dhai-dns-');
  const db = path.join(dir, 's.duckdb');
  for (const [sensor, logs] of Object.entries(sensors)) {
    const d = path.join(dir, sensor);
    mkdirSync(d);
    for (const kind of Object.keys(LAYOUT) as Kind[]) {
      const rows = logs[kind];
      if (rows) writeFileSync(path.join(d, `${kind}.log`), log(kind, rows));
    }
    const s = await runIngest({ paths: [d], db, sensor });
    if (s.rowsRejected > 0) throw new Error(`test logs rejected: ${JSON.stringify(s.rejects)}`);
  }
  const store = await openStore(db);
  try {
    for (const f of feeds) {
      const file = path.join(dir, `${f.name}.txt`);
      writeFileSync(file, f.text);
      await importFeedFile(store.conn, file, { kind: f.kind, name: f.name });
    }
  } finally {
    await store.close();
  }
  return db;
}

export function siteOf(yaml: string): Site {
  return parseSite(yaml, 'site.yaml');
}

/** Run analysis A read-only on a store, as `dhai report` does. */
export async function runDns(db: string, site: Site, window: AnalysisContext['window'] = {}): Promise<SectionResult> {
  const store = await openStore(db, { readOnly: true });
  try {
    return await dnsCategories.run({ conn: store.conn, site, window });
  } finally {
    await store.close();
  }
}
