// The reverse of "hospital certificates on the wire and not logged" (analyses.md F): certificates that CT
// results the hospital supplies list for its own domains, but that the sensors never saw. The results come as a
// ct-fingerprints feed whose lines carry the certificate's names after the fingerprint (`<sha256> portal.h.org
// www.h.org`, as a CT monitor exports them); a line without names cannot be placed and is left out.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { CtFeeds } from './cert-feeds.ts';
import { CERT_FACTS } from './cert-inputs.ts';
import { normaliseDomains, underDomains } from './cert-names.ts';
import { TempTable } from './temp-table.ts';
import type { Row } from './types.ts';

const NAME = /^[*a-z0-9_-]+(\.[*a-z0-9_-]+)+\.?$/;

/** Host names in a feed line's text after the fingerprint (attacker-controlled: only compared). */
function namesInReason(reason: string): string[] {
  return [...new Set(reason.toLowerCase().split(/[\s,;|"]+/).filter((t) => NAME.test(t)).map((t) => t.replace(/\.$/, '')))];
}

/**
 * Entries of the ct-fingerprints sets with a name under the site's domains whose certificate appears nowhere
 * in the store's x509 rows nor among the window's server certificates (TEMP TABLE ct_cert). At most `limit`
 * rows; `total` counts them all.
 */
export async function loggedNotSeen(conn: DuckDBConnection, feeds: CtFeeds, siteDomains: readonly string[], limit: number): Promise<{ rows: Row[]; total: number } | null> {
  const domains = normaliseDomains(siteDomains);
  if (!feeds.relation || domains.length === 0) return null;
  const t = await TempTable.create(conn, 'ct_site_domains', [['domain', 'VARCHAR']]);
  for (const d of domains) t.row([d]);
  t.close();
  const r = await conn.runAndReadAll(
    `SELECT lower(c.sha256) AS sha256, lower(c.sha1) AS sha1, c.reason, s.name AS feed
     FROM feed_cert c JOIN feed_snapshot s ON s.id = c.snapshot_id
     WHERE s.kind = 'ct-fingerprints' AND c.reason IS NOT NULL AND EXISTS (SELECT 1 FROM ct_site_domains d WHERE contains(lower(c.reason), d.domain))
       AND NOT EXISTS (SELECT 1 FROM ${CERT_FACTS} x WHERE x.sha256 = lower(c.sha256) OR x.sha1 = lower(c.sha1))
       AND NOT EXISTS (SELECT 1 FROM ct_cert k WHERE k.sha256 = lower(c.sha256) OR k.sha1 = lower(c.sha1))
     ORDER BY s.name, c.sha256 NULLS LAST, c.sha1`,
  );
  const seen = new Set<string>();
  const out: Row[] = [];
  for (const [sha256, sha1, reason, feed] of r.getRows()) {
    const names = namesInReason(String(reason)).filter((n) => underDomains(n, domains));
    if (names.length === 0) continue;
    const id = String(sha256 ?? sha1);
    if (seen.has(id)) continue;
    seen.add(id);
    if (out.length < limit) out.push({ sha256: sha256 === null ? null : String(sha256), sha1: sha1 === null ? null : String(sha1), names: names.slice(0, 20).join(', '), feed: String(feed) });
  }
  return { rows: out, total: seen.size };
}
