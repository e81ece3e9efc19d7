// The checks that keep a store either pseudonymised or not, with one key and one site, before an ingest writes
// to it; the first pseudonymised ingest into a new store records it (store/pseudonymisation.ts).
import type { Site } from '../config/site.ts';
import { internalCidrs } from '../privacy/site-pseudonyms.ts';
import { keyCheck, siteCheck, writePseudonymisation, type Pseudonymisation } from '../store/pseudonymisation.ts';
import type { Store } from '../store/store.ts';
import { UsageError } from '../util/errors.ts';
import { IngestPseudonymiser, PSEUDONYMISED_LOG_TYPES } from './pseudonymise.ts';

/**
 * The pseudonymiser for an ingest into `store`, after the checks that keep a store either pseudonymised or not,
 * with one key and one site; the first pseudonymised ingest into a new store records it. Undefined for a plain
 * ingest into a plain store. Every refusal is a UsageError (one line, exit 2).
 */
export async function pseudonymiserFor(
  store: Store,
  o: { site?: Site; pseudonymise?: { key: Uint8Array; external?: boolean }; include?: string[] },
): Promise<IngestPseudonymiser | undefined> {
  const rec = store.pseudonymisation;
  const p = o.pseudonymise;
  if (!p) {
    if (rec) throw new UsageError(`store ${store.dbPath} is pseudonymised: ingest into it with --pseudonymise${rec.scope === 'all' ? ' --pseudonymise-external' : ''} --key-file (its key)`);
    return undefined;
  }
  const site = o.site;
  if (!site) throw new UsageError('--pseudonymise needs --site: the site tells internal addresses and names apart');
  if (!p.external && internalCidrs(site).length === 0) {
    throw new UsageError('--pseudonymise: the site lists no internal networks or device-class subnets, so no address would be replaced');
  }
  for (const t of o.include ?? []) {
    if (!PSEUDONYMISED_LOG_TYPES.has(t)) {
      throw new UsageError(`--include ${t}: with --pseudonymise only ${[...PSEUDONYMISED_LOG_TYPES].join(', ')} logs are stored (their address and name columns are known)`);
    }
  }
  const want: Pseudonymisation = { scope: p.external ? 'all' : 'internal', keyCheck: keyCheck(p.key), siteCheck: siteCheck(p.key, site) };
  if (rec) {
    if (rec.keyCheck !== want.keyCheck) throw new UsageError(`--key-file: not the key store ${store.dbPath} was pseudonymised with`);
    if (rec.scope !== want.scope) {
      throw new UsageError(`store ${store.dbPath} was pseudonymised ${rec.scope === 'all' ? 'with' : 'without'} --pseudonymise-external: use the same scope`);
    }
    if (rec.siteCheck !== want.siteCheck) {
      throw new UsageError(`--site: not the internal networks and domains store ${store.dbPath} was pseudonymised with (values would be replaced inconsistently)`);
    }
  } else {
    const files = Number((await store.conn.runAndReadAll('SELECT count(*) FROM ingest_file')).getRows()[0]![0]);
    if (files > 0) {
      throw new UsageError(`store ${store.dbPath} holds data ingested without --pseudonymise: a store is either pseudonymised or not (use a new --db)`);
    }
    await writePseudonymisation(store.conn, want);
  }
  return new IngestPseudonymiser(p.key, site, p.external ?? false);
}

