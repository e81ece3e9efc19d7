// TLS as the simulator needs it: which version and suite a client and a server settle on, what Zeek writes in
// ssl_history for such a handshake, and the facts about a suite that the ground truth counts (its MAC/PRF
// hash, its class, its Mozilla tier). The suite facts are read off the IANA names; they are written here,
// independently of the analyses, so that the ground truth checks the analyses rather than repeating them.
import type { ClientProfile, ServerProfile, TlsVersion } from '../profile.ts';

export const VERSION_ORDER: readonly TlsVersion[] = ['SSLv3', 'TLSv10', 'TLSv11', 'TLSv12', 'TLSv13'];
export const OBSOLETE_VERSIONS: ReadonlySet<string> = new Set(['SSLv2', 'SSLv3', 'TLSv10', 'TLSv11']);

export function versionRank(v: TlsVersion): number {
  return VERSION_ORDER.indexOf(v);
}

export interface SuiteFacts {
  name: string;
  tls13: boolean;
  kex: string;
  cipher: string;
  aead: boolean;
  /** Hash named at the end of the suite: MD5, SHA (SHA-1), SHA256, SHA384. */
  hash: 'md5' | 'sha1' | 'sha256' | 'sha384';
  /** Needs TLS 1.2 (AEAD or SHA-2 MAC suites). */
  needs12: boolean;
}

const factsCache = new Map<string, SuiteFacts>();

export function suiteFacts(name: string): SuiteFacts {
  const hit = factsCache.get(name);
  if (hit) return hit;
  const m13 = /^TLS_(AES_128_GCM|AES_256_GCM|CHACHA20_POLY1305|AES_128_CCM)_(SHA256|SHA384)$/.exec(name);
  let facts: SuiteFacts;
  if (m13) {
    facts = { name, tls13: true, kex: 'TLS13', cipher: m13[1]!, aead: true, hash: m13[2] === 'SHA384' ? 'sha384' : 'sha256', needs12: true };
  } else {
    const m = /^TLS_(.+)_WITH_(.+)_(MD5|SHA|SHA256|SHA384)$/.exec(name);
    if (!m) throw new Error(`unknown cipher suite ${name}`);
    const cipher = m[2]!;
    const aead = /GCM|CHACHA20_POLY1305|CCM/.test(cipher);
    const hash = m[3] === 'MD5' ? 'md5' : m[3] === 'SHA' ? 'sha1' : m[3] === 'SHA256' ? 'sha256' : 'sha384';
    facts = { name, tls13: false, kex: m[1]!, cipher, aead, hash, needs12: aead || hash === 'sha256' || hash === 'sha384' };
  }
  factsCache.set(name, facts);
  return facts;
}

/**
 * Suite class, first match wins (METRICS.md, cipher-quality):
 * insecure: NULL, anonymous, EXPORT, DES, RC4, RC2 or an MD5 MAC; weak: static key exchange (RSA, DH, ECDH),
 * 3DES, CBC mode or a SHA-1 MAC; recommended: TLS 1.3, or ephemeral (EC)DHE with an AEAD cipher; else secure.
 */
export type SuiteClass = 'insecure' | 'weak' | 'secure' | 'recommended';
const classCache = new Map<string, SuiteClass>();

export function suiteClass(name: string): SuiteClass {
  let c = classCache.get(name);
  if (c === undefined) classCache.set(name, (c = classify(name)));
  return c;
}

function classify(name: string): SuiteClass {
  const f = suiteFacts(name);
  if (f.tls13) return 'recommended';
  if (/NULL|anon|EXPORT|RC4|RC2|(^|_)DES(40)?_|DES_CBC_/.test(name) || f.hash === 'md5') return 'insecure';
  const ephemeral = /^(ECDHE|DHE)_/.test(f.kex);
  if (!ephemeral || /3DES/.test(f.cipher) || /CBC/.test(f.cipher) || f.hash === 'sha1') return 'weak';
  return f.aead ? 'recommended' : 'secure';
}

// Mozilla Server Side TLS guidelines 5.7 (https://ssl-config.mozilla.org/guidelines/5.7.json), IANA names.
const MOZ_TLS13 = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'];
const MOZ_INTERMEDIATE = new Set([
  ...MOZ_TLS13,
  'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256',
  'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
  'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256',
  'TLS_DHE_RSA_WITH_AES_256_GCM_SHA384',
  'TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
]);
const MOZ_OLD = new Set([
  ...MOZ_INTERMEDIATE,
  'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256',
  'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256',
  'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA',
  'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA',
  'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384',
  'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384',
  'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA',
  'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA',
  'TLS_DHE_RSA_WITH_AES_128_CBC_SHA256',
  'TLS_DHE_RSA_WITH_AES_256_CBC_SHA256',
  'TLS_RSA_WITH_AES_128_GCM_SHA256',
  'TLS_RSA_WITH_AES_256_GCM_SHA384',
  'TLS_RSA_WITH_AES_128_CBC_SHA256',
  'TLS_RSA_WITH_AES_256_CBC_SHA256',
  'TLS_RSA_WITH_AES_128_CBC_SHA',
  'TLS_RSA_WITH_AES_256_CBC_SHA',
  'TLS_RSA_WITH_3DES_EDE_CBC_SHA',
]);

const MOZ_OLD_VERSIONS = new Set(['TLSv10', 'TLSv11', 'TLSv12', 'TLSv13']);

/** The strictest Mozilla configuration that allows this version and suite together. */
export function mozillaTier(version: string, suite: string): 'modern' | 'intermediate' | 'old' | 'none' {
  if (version === 'TLSv13' && MOZ_TLS13.includes(suite)) return 'modern';
  if ((version === 'TLSv12' || version === 'TLSv13') && MOZ_INTERMEDIATE.has(suite)) return 'intermediate';
  if (MOZ_OLD_VERSIONS.has(version) && MOZ_OLD.has(suite)) return 'old';
  return 'none';
}

export interface Negotiated {
  ok: true;
  version: TlsVersion;
  suite: string;
  curve: string | undefined;
  alpn: string | undefined;
}
export interface Refused {
  ok: false;
  alert: 'protocol_version' | 'handshake_failure';
}

/**
 * Server-preference negotiation: the highest version both support, then the first suite in the server's
 * order that the client offers, that the version allows and that the server's certificate key can
 * authenticate (ECDSA suites need an ECDSA key, RSA suites an RSA key). `tls13` says whether this client
 * offers TLS 1.3 on this connection (2018 clients did so only sometimes).
 */
// Negotiation depends only on the two configurations, so each outcome is computed once.
const negotiated = new WeakMap<ClientProfile, WeakMap<ServerProfile, Map<string, Negotiated | Refused>>>();

export function negotiate(client: ClientProfile, server: ServerProfile, tls13: boolean, keyType: 'rsa' | 'ecdsa'): Negotiated | Refused {
  let byServer = negotiated.get(client);
  if (!byServer) negotiated.set(client, (byServer = new WeakMap()));
  let byKey = byServer.get(server);
  if (!byKey) byServer.set(server, (byKey = new Map()));
  const key = tls13 ? `13${keyType}` : keyType;
  let r = byKey.get(key);
  if (!r) byKey.set(key, (r = negotiateOnce(client, server, tls13, keyType)));
  return r;
}

function negotiateOnce(client: ClientProfile, server: ServerProfile, tls13: boolean, keyType: 'rsa' | 'ecdsa'): Negotiated | Refused {
  const clientMax = client.max === 'TLSv13' && !tls13 ? 'TLSv12' : client.max;
  const v = Math.min(versionRank(clientMax), versionRank(server.max));
  if (v < versionRank(client.min) || v < versionRank(server.min)) return { ok: false, alert: 'protocol_version' };
  const version = VERSION_ORDER[v]!;
  const offered = new Set(client.suites);
  for (const suite of server.suites) {
    if (!offered.has(suite)) continue;
    const f = suiteFacts(suite);
    if (f.tls13 !== (version === 'TLSv13')) continue;
    if (f.needs12 && v < versionRank('TLSv12')) continue;
    if (!f.tls13 && f.kex.endsWith('ECDSA') !== (keyType === 'ecdsa')) continue;
    const ecdhe = f.tls13 || f.kex.startsWith('ECDHE');
    return {
      ok: true,
      version,
      suite,
      curve: ecdhe ? (client.curves[0] ?? 'secp256r1') : undefined,
      alpn: server.alpn && client.alpn.length > 0 ? client.alpn[0] : undefined,
    };
  }
  return { ok: false, alert: 'handshake_failure' };
}

/**
 * Zeek's ssl_history for the handshakes simulated (client letters upper case): full handshake with or
 * without ServerKeyExchange, NewSessionTicket, abbreviated (resumed) handshake, TLS 1.3, refusal.
 */
export function sslHistory(n: Negotiated | Refused, resumed: boolean, ticket: boolean): string {
  if (!n.ok) return 'Cl';
  if (n.version === 'TLSv13') return 'CsiI';
  if (resumed) return ticket ? 'CstiI' : 'CsiI';
  const kex = suiteFacts(n.suite).kex;
  const ske = kex.startsWith('ECDHE') || kex.startsWith('DHE');
  return `Csx${ske ? 'k' : ''}nGI${ticket ? 't' : ''}i`;
}
