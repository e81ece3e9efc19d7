// What the certificate analyses need to know about each distinct server (leaf) certificate that SQL cannot say
// well: its DNS names and who they belong to, its issuer organisation and whether that is a reputable vendor,
// whether its issuer is one of the site's internal CAs by name. Computed once per certificate in JS and written
// to a temp table the analyses join.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Site } from '../config/site.ts';
import { certificateNames, dnFirst, normaliseDomains, registrableOfName, underDomains } from './cert-names.ts';
import { reputableVendorOf, type ReputableVendor } from './cert-options.ts';
import { CERT_FACTS } from './cert-inputs.ts';
import { TempTable } from './temp-table.ts';

/** Whose names a certificate carries, first match wins: the site's own domains, a vendor's, a popular service's. */
export type Owner = 'site' | 'vendor' | 'popular' | 'other';
export const OWNERS: readonly Owner[] = ['site', 'vendor', 'popular', 'other'];

export interface LeafContext {
  site: Site;
  reputable: readonly ReputableVendor[];
  /** registrable domains of the popular services (top list), if one is loaded */
  popular?: ReadonlySet<string>;
  /** subjects (Zeek text) of the site's internal CAs */
  internalCaNames?: ReadonlySet<string>;
}

export function ownerOf(names: readonly string[], ctx: Pick<LeafContext, 'site' | 'popular'>, domains = siteDomains(ctx.site)): Owner {
  if (names.some((n) => underDomains(n, domains.site))) return 'site';
  if (names.some((n) => underDomains(n, domains.vendor))) return 'vendor';
  if (ctx.popular && names.some((n) => ctx.popular!.has(registrableOfName(n) ?? ''))) return 'popular';
  return 'other';
}

export function siteDomains(site: Site): { site: string[]; vendor: string[] } {
  return { site: normaliseDomains(site.domains), vendor: normaliseDomains(site.vendors.flatMap((v) => v.domains)) };
}

/**
 * Fill TEMP TABLE `out` (key, issuer_org, vendor, owner, no_issuer, internal_named, names) for the leaf keys
 * produced by `keysSql` (columns key, ssl_subject, ssl_issuer: the pre-4.1 ssl.log names, used when x509.log
 * has no row for the certificate). Returns the number of leaves.
 */
export async function loadLeafInfo(conn: DuckDBConnection, keysSql: string, out: string, ctx: LeafContext): Promise<number> {
  const domains = siteDomains(ctx.site);
  const table = await TempTable.create(conn, out, [
    ['key', 'VARCHAR'], ['issuer_org', 'VARCHAR'], ['vendor', 'VARCHAR'], ['owner', 'VARCHAR'], ['no_issuer', 'BOOLEAN'],
    ['internal_named', 'BOOLEAN'], ['names', 'VARCHAR'],
  ]);
  let n = 0;
  try {
    // streamed (after the CREATE above: a new statement would end a pending stream); a store may hold hundreds
    // of thousands of distinct server certificates
    const res = await conn.stream(`SELECT k.key, coalesce(x.subject, k.ssl_subject) AS subject, coalesce(x.issuer, k.ssl_issuer) AS issuer, x.san_dns
      FROM (${keysSql}) k LEFT JOIN ${CERT_FACTS} x ON x.key = k.key`);
    for (let chunk = await res.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await res.fetchChunk()) {
      for (const [k, subj, iss, san] of chunk.getRows()) {
        const subject = subj === null ? null : String(subj);
        const issuer = iss === null ? null : String(iss);
        const names = certificateNames(subject, (san as { items?: unknown[] } | null)?.items?.map((s) => String(s)) ?? []);
        const issuerOrg = dnFirst(issuer, 'O');
        const internalNamed = issuer !== null && issuer !== '' && (ctx.internalCaNames?.has(issuer) ?? false);
        n++;
        table.row([String(k), issuerOrg, reputableVendorOf(issuerOrg, ctx.reputable), ownerOf(names, ctx, domains), issuer === '', internalNamed, names.slice(0, 20).join(', ')]);
      }
    }
  } finally {
    table.close();
  }
  return n;
}
