// What a TLS named-group ("curve") name says: its family, size, and whether the key exchange resists a quantum
// adversary. Names are Zeek's (SSL::ec_curves), which equal the IANA Supported Groups descriptions.

export type GroupFamily =
  | 'ec-prime' | 'ec-binary' | 'ec-montgomery' | 'ffdhe' | 'ml-kem' | 'hybrid' | 'explicit';

export interface GroupDecomposition {
  family: GroupFamily;
  /** Field/modulus size the name states (secp256r1: 256, x25519: 255, ffdhe2048: 2048); null for KEMs and hybrids. */
  bits: number | null;
  postQuantum: boolean;
  /** A classical group combined with a post-quantum KEM in one key share. */
  hybrid: boolean;
  classicalComponent: string | null;
  pqComponent: string | null;
}

export type ParsedGroupName = { kind: 'group'; decomposition: GroupDecomposition } | { kind: 'grease' };

function classical(family: GroupFamily, bits: number): ParsedGroupName {
  return { kind: 'group', decomposition: { family, bits, postQuantum: false, hybrid: false, classicalComponent: null, pqComponent: null } };
}

function pq(classicalComponent: string | null, pqComponent: string): ParsedGroupName {
  return {
    kind: 'group',
    decomposition: {
      family: classicalComponent ? 'hybrid' : 'ml-kem', bits: null, postQuantum: true,
      hybrid: classicalComponent !== null, classicalComponent, pqComponent,
    },
  };
}

// The classical half of a hybrid, by the prefix used in its name
const HYBRID_PREFIX: Record<string, string> = { X25519: 'x25519', SecP256r1: 'secp256r1', SecP384r1: 'secp384r1', curveSM2: 'curveSM2' };

export function parseGroupName(name: string): ParsedGroupName | null {
  if (/^grease_0x[0-9A-F]{4}$/i.test(name)) return { kind: 'grease' };
  let m = /^sect(\d+)[kr][12]$/.exec(name);
  if (m) return classical('ec-binary', Number(m[1]));
  m = /^(?:secp|brainpoolP)(\d+)[kr][12](?:tls13)?$/.exec(name);
  if (m) return classical('ec-prime', Number(m[1]));
  m = /^GC(256|512)[A-D]$/.exec(name); // GOST R 34.10-2012 curves (RFC 9189)
  if (m) return classical('ec-prime', Number(m[1]));
  if (name === 'curveSM2') return classical('ec-prime', 256);
  if (name === 'x25519') return classical('ec-montgomery', 255);
  if (name === 'x448') return classical('ec-montgomery', 448);
  m = /^ffdhe(\d+)$/.exec(name);
  if (m) return classical('ffdhe', Number(m[1]));
  m = /^MLKEM(512|768|1024)$/.exec(name);
  if (m) return pq(null, `ML-KEM-${m[1]}`);
  m = /^(X25519|SecP256r1|SecP384r1|curveSM2)MLKEM(768|1024)$/.exec(name);
  if (m) return pq(HYBRID_PREFIX[m[1] as string] as string, `ML-KEM-${m[2]}`);
  m = /^(X25519|SecP256r1)Kyber768Draft00$/.exec(name);
  if (m) return pq(HYBRID_PREFIX[m[1] as string] as string, 'Kyber768 (pre-standard)');
  // BoringSSL's 2019 experiment: X25519 with NTRU-HRSS (Zeek's comment links the BoringSSL commit)
  if (name === 'CECPQ2') return pq('x25519', 'NTRU-HRSS');
  if (name === 'arbitrary_explicit_prime_curves' || name === 'arbitrary_explicit_char2_curves') {
    return { kind: 'group', decomposition: { family: 'explicit', bits: null, postQuantum: false, hybrid: false, classicalComponent: null, pqComponent: null } };
  }
  return null;
}
