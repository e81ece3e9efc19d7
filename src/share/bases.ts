// How many hospital devices each exported figure rests on, where the analyses do not say it themselves: one
// small aggregate per log over the window (conn, dns, ssl with its certificates), counted against the
// hospital devices of devices.ts. A device of a session or request is any of its ends that is a hospital device.
//
// Populations (ids used by the allow-list):
//   all                 every hospital device seen in conn, dns or ssl
//   conn                hospital ends of conn.log rows
//   dns, dns_class:<c>  hospital clients of dns.log requests (in device class c, snake case)
//   tls_internal        both ends of established sessions between two hospital devices
//   fresh, fresh_leaf   hospital ends of fresh sessions (established, not resumed); those with a leaf certificate
//   status:<category>   … of fresh sessions by Zeek's validation status category (src/tls/validation.ts)
//   issue               … of fresh sessions with an unknown issuer, self-signed or expired status
//   ct, ct_self_signed, ct_hospital, ct_service:<s>
//                       hospital ends of sessions (established or not) that carry a server certificate; whose
//                       leaf is self-signed (subject = issuer); hospital servers presenting a leaf whose names are
//                       under the site's domains; hospital ends of sessions whose leaf subject names service s (the
//                       CT section's rule, compared in snake case)
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Site } from '../config/site.ts';
import { CERT_FACTS, FRESH, certSessions, loadCertFacts } from '../analyses/cert-inputs.ts';
import { siteDomains } from '../analyses/cert-leaves.ts';
import { certificateNames, underDomains } from '../analyses/cert-names.ts';
import { readRows } from '../analyses/connections.ts';
import { snake } from '../analyses/dns-tables.ts';
import { windowWhere, type Window } from '../analyses/inputs.ts';
import { TempTable } from '../analyses/temp-table.ts';
import { normalizeValidationStatus } from '../tls/validation.ts';
import { DEVICE_TABLE } from './devices.ts';

export type Populations = Map<string, number>;

const ISSUES = ['unknown_issuer', 'self_signed', 'expired'];

async function connAndDns(conn: DuckDBConnection, w: Window, out: Populations): Promise<void> {
  const where = windowWhere(w);
  const [all] = await readRows(conn, `SELECT count(*) AS n FROM ${DEVICE_TABLE}`);
  out.set('all', Number(all?.n ?? 0));
  const [c] = await readRows(conn, `SELECT count(*) AS n FROM ${DEVICE_TABLE} WHERE addr IN
    (SELECT id_orig_h FROM conn WHERE ${where} UNION SELECT id_resp_h FROM conn WHERE ${where})`);
  out.set('conn', Number(c?.n ?? 0));
  const byClass = await readRows(conn, `SELECT d.class, count(*) AS n FROM ${DEVICE_TABLE} d
    WHERE d.addr IN (SELECT id_orig_h FROM dns WHERE ${where}) GROUP BY d.class`);
  out.set('dns', byClass.reduce((s, r) => s + Number(r.n), 0));
  for (const r of byClass) out.set(`dns_class:${snake(String(r.class))}`, Number(r.n));
}

/** Distinct leaves with their names, classified in JS (hospital, services) into TEMP TABLE share_leaf. */
async function classifyLeaves(conn: DuckDBConnection, site: Site, services: readonly string[]): Promise<void> {
  const domains = siteDomains(site).site;
  const table = await TempTable.create(conn, 'share_leaf', [['leaf', 'VARCHAR'], ['hospital', 'BOOLEAN'], ['service', 'VARCHAR']]);
  try {
    // streamed: a store may hold hundreds of thousands of distinct server certificates
    const res = await conn.stream(`SELECT l.leaf, coalesce(x.subject, l.ssl_subject) AS subject, x.san_dns
      FROM (SELECT leaf, any_value(ssl_subject) AS ssl_subject FROM share_tls WHERE leaf IS NOT NULL GROUP BY leaf) l
      LEFT JOIN ${CERT_FACTS} x ON x.key = l.leaf`);
    for (let chunk = await res.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await res.fetchChunk()) {
      for (const [leaf, subj, san] of chunk.getRows()) {
        const subject = subj === null ? null : String(subj);
        const names = certificateNames(subject, (san as { items?: unknown[] } | null)?.items?.map((s) => String(s)) ?? []);
        const hospital = names.some((n) => underDomains(n, domains));
        const text = snake(subject ?? '');
        const matched = services.filter((s) => text.includes(s));
        if (matched.length === 0) table.row([String(leaf), hospital, null]);
        for (const s of matched) table.row([String(leaf), hospital, s]);
      }
    }
  } finally {
    table.close();
  }
}

async function tls(conn: DuckDBConnection, site: Site, w: Window, services: readonly string[], out: Populations): Promise<void> {
  const inputs = await loadCertFacts(conn);
  const sessions = await certSessions(conn, w, inputs);
  await conn.run(`CREATE OR REPLACE TEMP TABLE share_tls AS
    SELECT orig_h, resp_h, established IS TRUE AS est, ${FRESH} AS fresh, chain_keys[1] AS leaf, status_raw,
      any_value(ssl_subject) AS ssl_subject, any_value(ssl_issuer) AS ssl_issuer
    FROM ${sessions} GROUP BY ALL`);
  const statuses = await readRows(conn, `SELECT DISTINCT status_raw FROM share_tls WHERE fresh`);
  const status = await TempTable.create(conn, 'share_status', [['raw', 'VARCHAR'], ['cat', 'VARCHAR']]);
  try {
    for (const r of statuses) status.row([r.status_raw === null ? null : String(r.status_raw), normalizeValidationStatus(r.status_raw === null ? null : String(r.status_raw)).category]);
  } finally {
    status.close();
  }
  await classifyLeaves(conn, site, services);
  // one row per (hospital end, group): the populations below are distinct counts over it
  const ends = `(WITH t AS (
      SELECT g.*, o.addr IS NOT NULL AS o_in, r.addr IS NOT NULL AS r_in, s.cat,
        x.key IS NOT NULL AS has_facts, coalesce(x.subject, g.ssl_subject) AS subject, coalesce(x.issuer, g.ssl_issuer) AS issuer
      FROM share_tls g
      LEFT JOIN ${DEVICE_TABLE} o ON o.addr = g.orig_h LEFT JOIN ${DEVICE_TABLE} r ON r.addr = g.resp_h
      LEFT JOIN share_status s ON s.raw IS NOT DISTINCT FROM g.status_raw
      LEFT JOIN ${CERT_FACTS} x ON x.key = g.leaf)
    SELECT orig_h AS dev, * FROM t WHERE o_in UNION ALL SELECT resp_h AS dev, * FROM t WHERE r_in)`;
  const [p] = await readRows(conn, `SELECT
      count(DISTINCT dev) FILTER (WHERE est AND o_in AND r_in) AS tls_internal,
      count(DISTINCT dev) FILTER (WHERE fresh) AS fresh,
      count(DISTINCT dev) FILTER (WHERE fresh AND has_facts) AS fresh_leaf,
      count(DISTINCT dev) FILTER (WHERE fresh AND cat IN (${ISSUES.map((c) => `'${c}'`).join(', ')})) AS issue,
      count(DISTINCT dev) FILTER (WHERE leaf IS NOT NULL) AS ct,
      count(DISTINCT dev) FILTER (WHERE leaf IS NOT NULL AND subject = issuer) AS ct_self_signed
    FROM ${ends}`);
  for (const [k, v] of Object.entries(p ?? {})) out.set(k, Number(v ?? 0));
  for (const r of await readRows(conn, `SELECT cat, count(DISTINCT dev) AS n FROM ${ends} WHERE fresh GROUP BY cat`)) {
    out.set(`status:${String(r.cat)}`, Number(r.n));
  }
  // the hospital's own certificates rest on the hospital servers presenting them, not on their clients
  const leafPops = await readRows(conn, `SELECT count(DISTINCT e.dev) FILTER (WHERE l.hospital AND e.dev = e.resp_h) AS hospital,
      NULL AS service FROM ${ends} e JOIN share_leaf l ON l.leaf = e.leaf
    UNION ALL SELECT count(DISTINCT e.dev), l.service FROM ${ends} e JOIN share_leaf l ON l.leaf = e.leaf
      WHERE l.service IS NOT NULL GROUP BY l.service`);
  for (const r of leafPops) out.set(r.service === null ? 'ct_hospital' : `ct_service:${String(r.service)}`, Number(r.hospital ?? 0));
  for (const t of ['share_tls', 'share_status', 'share_leaf']) await conn.run(`DROP TABLE IF EXISTS ${t}`);
}

/**
 * Device counts of every population. `services` are the CT section's service names in snake case (from its
 * `service_<name>_logged` metrics). A population absent from the map rests on no device.
 */
export async function populations(conn: DuckDBConnection, site: Site, w: Window, services: readonly string[]): Promise<Populations> {
  const out: Populations = new Map();
  await connAndDns(conn, w, out);
  await tls(conn, site, w, services, out);
  return out;
}
