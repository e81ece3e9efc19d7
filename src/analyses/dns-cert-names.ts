// Rule (d) of self-association: the DNS names in certificates that hospital servers presented. A server's
// certificate is its leaf: ssl.log's first chain entry, linked to x509.log by fingerprint (Zeek >= 4.1,
// `cert_chain_fps`) or by file id (older Zeek, `cert_chain_fuids` = x509 `id`); when ssl.log carries no
// chain, files.log's end-entity certificates sent by the responder (`application/x-x509-user-cert`). The
// names are the subject CN (when it looks like a host name) and the SAN DNS entries, lower case. Every
// stored session counts, not only the report window: a certificate names the server whatever the month.
//
// An inside responder whose certificates name many registrable domains is not serving the hospital's own
// sites: it is a web proxy (Zeek sees the sites' certificates through an HTTP CONNECT tunnel, with the proxy
// as responder) or an intercepting gateway. Its certificates are left out of rule (d) (dhai decides the
// threshold, PROXY_REGISTRABLE_DOMAINS), or every site its users visit would count as self-associated.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Site } from '../config/site.ts';
import { registrableDomain } from '../intel/domain.ts';
import { classifyAddresses } from './site-context.ts';
import type { Row } from './types.ts';

const T = 'dnsc_certname';

/** More distinct registrable domains than this in one responder's certificates: a proxy, not a server. */
export const PROXY_REGISTRABLE_DOMAINS = 10;

export interface CertNames {
  /** distinct names (and wildcard patterns) kept for rule (d) */
  names: number;
  /** responders left out as proxies, with what their certificates named */
  proxies: Row[];
}

/**
 * Fill TEMP TABLE dnsc_certname(name): exact names and wildcard patterns (`*.example.org`) from the leaf
 * certificates inside responders presented, proxies left out.
 */
export async function loadHospitalCertNames(conn: DuckDBConnection, site: Site): Promise<CertNames> {
  // the sender of a file: Zeek >= 5 logs the connection's responder, older files.log only the set of senders
  await classifyAddresses(conn, site, `SELECT id_resp_h FROM ssl UNION SELECT coalesce(id_resp_h, tx_hosts[1]) FROM files WHERE source = 'SSL'`);
  const inside = (a: string) => `(${a}.inside OR (${a}.inside IS NULL AND ${a}.class IS NOT NULL))`;
  const r = await conn.runAndReadAll(`
    WITH served AS (
      SELECT DISTINCT s.id_resp_h AS responder, s.cert_chain_fps[1] AS fp, s.cert_chain_fuids[1] AS fuid
      FROM ssl s JOIN addr_class a ON a.addr = s.id_resp_h
      WHERE ${inside('a')} AND (len(s.cert_chain_fps) > 0 OR len(s.cert_chain_fuids) > 0)
    ), leaf AS (
      SELECT f.responder, x.certificate_subject AS subject, x.san_dns FROM x509 x JOIN (SELECT DISTINCT responder, fp FROM served WHERE fp IS NOT NULL) f ON x.fingerprint = f.fp
      UNION ALL
      SELECT f.responder, x.certificate_subject, x.san_dns FROM x509 x JOIN (SELECT DISTINCT responder, fuid FROM served WHERE fuid IS NOT NULL) f ON x.id = f.fuid
      UNION ALL
      SELECT f.responder, x.certificate_subject, x.san_dns FROM x509 x JOIN (
        SELECT DISTINCT coalesce(fl.id_resp_h, fl.tx_hosts[1]) AS responder, fl.fuid FROM files fl JOIN addr_class a ON a.addr = coalesce(fl.id_resp_h, fl.tx_hosts[1])
        WHERE fl.source = 'SSL' AND fl.is_orig IS NOT true AND fl.mime_type = 'application/x-x509-user-cert' AND ${inside('a')}
      ) f ON x.id = f.fuid
    ), names AS (
      SELECT responder, lower(regexp_extract(subject, '(?:^|,)CN=((?:[^,\\\\]|\\\\.)*)', 1)) AS name FROM leaf
      UNION ALL
      SELECT responder, lower(unnest(san_dns)) FROM leaf
    )
    SELECT DISTINCT responder, rtrim(name, '.') AS name FROM names
    WHERE contains(name, '.') AND regexp_full_match(name, '[*a-z0-9_.-]+')
    ORDER BY responder, name`);
  const byResponder = new Map<string, string[]>();
  for (const [resp, name] of r.getRows()) {
    const k = String(resp);
    if (!byResponder.has(k)) byResponder.set(k, []);
    byResponder.get(k)!.push(String(name));
  }
  const kept = new Set<string>();
  const proxies: Row[] = [];
  for (const [responder, names] of byResponder) {
    const regs = new Set(names.map((n) => registrableDomain(n.replace(/^\*\./, '')) ?? n));
    if (regs.size > PROXY_REGISTRABLE_DOMAINS) {
      proxies.push({ responder, registrable_domains: regs.size, names: names.length, sample_names: names.slice(0, 5) });
    } else for (const n of names) kept.add(n);
  }
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${T} (name VARCHAR)`);
  const app = await conn.createAppender(T, 'main', 'temp');
  for (const n of kept) {
    app.appendVarchar(n);
    app.endRow();
  }
  app.closeSync();
  return { names: kept.size, proxies };
}
