// Whether a store holds pseudonymised data, recorded in dhai_meta when its first pseudonymised ingest starts.
// A store is either pseudonymised or not, with one key: the record names the scope and carries check values
// that recognise the key and the site without revealing either (keyed, one-way). The key itself is never
// stored; without it the original addresses cannot be recovered from the store.
import { createHmac, hkdfSync } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Site } from '../config/site.ts';
import { keyFingerprint } from '../privacy/cryptopan.ts';
import { parseNetwork } from '../privacy/addresses.ts';
import { internalCidrs } from '../privacy/site-pseudonyms.ts';

export interface Pseudonymisation {
  /** `internal`: internal addresses and names; `all`: every address too (--pseudonymise-external) */
  scope: 'internal' | 'all';
  /** keyFingerprint of the key (HKDF output: identifies the key, reveals nothing of it) */
  keyCheck: string;
  /** keyed digest of the site's internal networks and domains the pseudonymisation was decided with */
  siteCheck: string;
}

const KEYS = { scope: 'pseudonymised', keyCheck: 'pseudonym_key_check', siteCheck: 'pseudonym_site_check' } as const;

export async function readPseudonymisation(conn: DuckDBConnection): Promise<Pseudonymisation | undefined> {
  const r = await conn.runAndReadAll(`SELECT key, value FROM dhai_meta WHERE key IN ($1, $2, $3)`, [KEYS.scope, KEYS.keyCheck, KEYS.siteCheck]);
  const m = new Map(r.getRows().map(([k, v]) => [String(k), String(v)]));
  const scope = m.get(KEYS.scope);
  if (scope === undefined) return undefined;
  if (scope !== 'internal' && scope !== 'all') throw new Error(`dhai_meta: unknown pseudonymisation scope ${JSON.stringify(scope)}`);
  return { scope, keyCheck: m.get(KEYS.keyCheck) ?? '', siteCheck: m.get(KEYS.siteCheck) ?? '' };
}

export async function writePseudonymisation(conn: DuckDBConnection, p: Pseudonymisation): Promise<void> {
  for (const [k, v] of [[KEYS.scope, p.scope], [KEYS.keyCheck, p.keyCheck], [KEYS.siteCheck, p.siteCheck]] as const) {
    await conn.run(`INSERT INTO dhai_meta VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, [k, v]);
  }
}

export function keyCheck(key: Uint8Array): string {
  return keyFingerprint(key);
}

/**
 * The site as far as pseudonymisation depends on it (internal networks, device-class subnets, domains),
 * canonicalised and HMAC'd with a key derived from the pseudonym key: equal for the same site and key.
 */
export function siteCheck(key: Uint8Array, site: Site): string {
  const nets = internalCidrs(site).map((c) => parseNetwork(c).text);
  const domains = site.domains.map((d) => d.toLowerCase().replace(/\.$/, ''));
  const canonical = JSON.stringify([[...new Set(nets)].sort(), [...new Set(domains)].sort()]);
  const k = Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), 'dhai site check v1', 32));
  return createHmac('sha256', k).update(canonical).digest('hex').slice(0, 16);
}
