// Small Zeek TSV logs for the analysis-G tests (conn, dns, ssl), written in Zeek's layout and read through the
// real ingest, one folder per sensor.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseSite, type Site } from '../../src/config/site.ts';
import { runIngest } from '../../src/ingest/ingest.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import type { AnalysisContext } from '../../src/analyses/types.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { CLOSE, CONN_FIELDS, CONN_TYPES, header } from '../helpers/zeek-text.ts';

export const T0 = 1514764800; // 2018-01-01T00:00:00Z

type Fields = Record<string, string>;

export interface ConnSpec {
  uid: string;
  orig: string;
  resp: string;
  port: number;
  state: string;
  history: string;
  proto?: string;
  service?: string;
  duration?: number;
  ob?: number;
  rb?: number;
  t?: number;
}

let port = 40000;
export function conn(c: ConnSpec): Fields {
  return {
    ts: (T0 + (c.t ?? 0)).toFixed(6), uid: c.uid, 'id.orig_h': c.orig, 'id.orig_p': String(port++), 'id.resp_h': c.resp,
    'id.resp_p': String(c.port), proto: c.proto ?? 'tcp', service: c.service ?? '-', duration: (c.duration ?? 1.5).toFixed(6),
    orig_bytes: String(c.ob ?? 100), resp_bytes: String(c.rb ?? 200), conn_state: c.state, local_orig: '-', local_resp: '-',
    missed_bytes: '0', history: c.history, tunnel_parents: '(empty)',
  };
}

export const DNS_FIELDS = ['ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'proto', 'trans_id', 'query', 'answers'];
const DNS_TYPES = ['time', 'string', 'addr', 'port', 'addr', 'port', 'enum', 'count', 'string', 'vector[string]'];

export function dns(uid: string, client: string, query: string, answers: string[], t = 0, transId = 1, server = '10.30.0.53'): Fields {
  return {
    ts: (T0 + t).toFixed(6), uid, 'id.orig_h': client, 'id.orig_p': String(port++), 'id.resp_h': server, 'id.resp_p': '53', proto: 'udp',
    trans_id: String(transId), query, answers: answers.length ? answers.join(',') : '-',
  };
}

export const SSL_FIELDS = ['ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'version', 'cipher', 'server_name', 'established'];
const SSL_TYPES = ['time', 'string', 'addr', 'port', 'addr', 'port', 'string', 'string', 'string', 'bool'];

export function ssl(uid: string, orig: string, resp: string, p: number, version: string, cipher: string, sni = '-', established = 'T', t = 0): Fields {
  return {
    ts: (T0 + t).toFixed(6), uid, 'id.orig_h': orig, 'id.orig_p': String(port++), 'id.resp_h': resp, 'id.resp_p': String(p),
    version, cipher, server_name: sni, established,
  };
}

function log(kind: 'conn' | 'dns' | 'ssl', rows: Fields[]): string {
  const [fields, types] = kind === 'conn' ? [CONN_FIELDS, CONN_TYPES] : kind === 'dns' ? [DNS_FIELDS, DNS_TYPES] : [SSL_FIELDS, SSL_TYPES];
  return header(kind, fields, types) + rows.map((r) => fields.map((f) => r[f] ?? '-').join('\t') + '\n').join('') + CLOSE;
}

export interface SensorLogs {
  conn?: Fields[];
  dns?: Fields[];
  ssl?: Fields[];
}

/** Write each sensor's logs to its own folder and ingest them as that sensor; returns the store path. */
export async function storeOf(sensors: Record<string, SensorLogs>): Promise<string> {
  const dir = tmpDir('dhai-g-');
  const db = path.join(dir, 's.duckdb');
  for (const [sensor, logs] of Object.entries(sensors)) {
    const d = path.join(dir, sensor);
    mkdirSync(d);
    for (const kind of ['conn', 'dns', 'ssl'] as const) {
      const rows = logs[kind];
      if (rows) writeFileSync(path.join(d, `${kind}.log`), log(kind, rows));
    }
    const s = await runIngest({ paths: [d], db, sensor });
    if (s.rowsRejected > 0) throw new Error(`test logs rejected: ${JSON.stringify(s.rejects)}`);
  }
  return db;
}

export const SITE_YAML = `
networks: {internal: [10.0.0.0/8]}
device_classes:
  - {class: medical-device, subnets: [10.10.0.0/16]}
  - {class: medical-supporting, subnets: [10.20.0.0/16]}
  - {class: server, subnets: [10.30.0.0/16]}
  - {class: workstation, subnets: [10.40.0.0/16]}
  - {class: guest, subnets: [10.99.0.0/16]}
resolvers: [10.30.0.53/32]
`;

export function site(extra = ''): Site {
  return parseSite(SITE_YAML + extra, 'site.yaml');
}

export async function withStore<T>(db: string, s: Site, fn: (ctx: AnalysisContext, store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(db, { readOnly: true });
  try {
    return await fn({ conn: store.conn, site: s, window: {} }, store);
  } finally {
    await store.close();
  }
}
