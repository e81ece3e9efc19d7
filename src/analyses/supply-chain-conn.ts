// The connections the supply-chain section reads: only those with an end in a vendor network, a (client,
// address) pair a matching name resolved to, or a matching SNI, instead of every connection of the window.
// Each is the row loadConnections (connections.ts) would keep for its uid, with the columns the section uses:
// every copy of a matching uid is read, so the copy kept is the same one.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Site } from '../config/site.ts';
import { ANSWERED, COMPLETED, END_SQL, KEEP_ONE_PER_UID, sideSql, windowWhere } from './connections.ts';
import type { Window } from './inputs.ts';
import { classifyAddresses } from './site-context.ts';

// the outcome rules and the copy kept per uid are connections.ts's own; a test checks that both loads keep the
// same rows with the same values

/**
 * conn.log rows (alias c) in the window that touch a vendor network, a resolved (client, address) pair or an SNI
 * uid: the temp tables `${prefix}_vendor_net`, `${prefix}_resolved` and `${prefix}_sni`. The pairs are a join
 * (an EXISTS per row costs twice as much).
 */
function matchingRows(prefix: string, where: string): string {
  return `conn c LEFT JOIN (SELECT DISTINCT client, addr FROM ${prefix}_resolved) r ON r.client = c.id_orig_h AND r.addr = c.id_resp_h
    WHERE ${where} AND (r.client IS NOT NULL OR c.id_orig_h IN (SELECT addr FROM ${prefix}_vendor_net)
      OR c.id_resp_h IN (SELECT addr FROM ${prefix}_vendor_net) OR c.uid IN (SELECT uid FROM ${prefix}_sni))`;
}

/**
 * Fill TEMP TABLE `name` (columns: uid, ts, te, orig, resp, resp_p, proto, duration, orig_bytes, resp_bytes,
 * o_in, r_in, o_class, r_class, answered) with the window's connections that match, once per uid.
 */
export async function loadMatchingConnections(conn: DuckDBConnection, site: Site, w: Window, prefix: string, name: string): Promise<void> {
  const where = windowWhere(w, 'c.ts');
  // the uids first, from the few columns the match reads; rows without a uid are never merged, so each stands alone
  try {
    await conn.run(`CREATE OR REPLACE TEMP TABLE ${prefix}_uids AS SELECT DISTINCT c.uid FROM ${matchingRows(prefix, `${where} AND c.uid IS NOT NULL`)}`);
    const cols = `c.uid, c.ts, c.id_orig_h AS orig, c.id_resp_h AS resp, c.id_resp_p AS resp_p, c.proto, c.duration,
      coalesce(c.orig_bytes, 0)::BIGINT AS orig_bytes, coalesce(c.resp_bytes, 0)::BIGINT AS resp_bytes,
      c.conn_state, c.history, c.resp_pkts, c.local_orig, c.local_resp, c.dhai_file_id`;
    await conn.run(`CREATE OR REPLACE TEMP TABLE ${prefix}_raw AS
      SELECT ${cols} FROM conn c WHERE ${where} AND c.uid IN (SELECT uid FROM ${prefix}_uids)
      UNION ALL
      SELECT ${cols} FROM ${matchingRows(prefix, `${where} AND c.uid IS NULL`)}`);
    await classifyAddresses(conn, site, `SELECT orig FROM ${prefix}_raw UNION SELECT resp FROM ${prefix}_raw`);
    await conn.run(`CREATE OR REPLACE TEMP TABLE ${name} AS
      WITH f AS (
        SELECT c.*, ${sideSql('ao', 'c.local_orig')} AS o_in, ${sideSql('ar', 'c.local_resp')} AS r_in, ao.class AS o_cls, ar.class AS r_cls,
          ${COMPLETED} AS completed, ${ANSWERED} AS answered
        FROM ${prefix}_raw c
        LEFT JOIN addr_class ao ON ao.addr = c.orig
        LEFT JOIN addr_class ar ON ar.addr = c.resp
      )
      SELECT uid, ts, ${END_SQL} AS te, orig, resp, resp_p, proto,
        duration, orig_bytes, resp_bytes, o_in, r_in,
        CASE WHEN o_in THEN coalesce(o_cls, 'unclassified') END AS o_class,
        CASE WHEN r_in THEN coalesce(r_cls, 'unclassified') END AS r_class,
        answered
      FROM f
      QUALIFY ${KEEP_ONE_PER_UID}`);
  } finally {
    for (const t of ['uids', 'raw']) await conn.run(`DROP TABLE IF EXISTS ${prefix}_${t}`);
  }
}
