// What a cipher-suite name says: key exchange, authentication, bulk cipher (bits, mode, block size), MAC/PRF
// hash. Works on IANA names (`TLS_DH_anon_…`), Zeek's spellings (`TLS_DH_ANON_…`, `…_OLD`, `SSL_RSA_FIPS_…`) and
// SSLv2 kinds (`SSLv20_CK_…`). The generator runs it over every registry entry and fails on a name it cannot
// read, so the generated table is complete; at run time it only reads names the table lacks (assessCipher).

export type KeyExchange =
  | 'NULL' | 'RSA' | 'DH' | 'DHE' | 'ECDH' | 'ECDHE' | 'DH_anon' | 'ECDH_anon'
  | 'PSK' | 'DHE_PSK' | 'RSA_PSK' | 'ECDHE_PSK' | 'SRP' | 'KRB5' | 'ECCPWD' | 'CECPQ1' | 'GOST' | 'FORTEZZA_KEA'
  /** TLS 1.3 suites do not fix the key exchange: (EC)DHE or PSK is negotiated separately (ssl.log `curve`). */
  | 'TLS13';
export type Authentication =
  | 'NULL' | 'anon' | 'RSA' | 'DSS' | 'ECDSA' | 'PSK' | 'SRP' | 'KRB5' | 'ECCPWD' | 'GOST' | 'KEA' | 'TLS13';
export type BulkCipher =
  | 'NULL' | 'RC4' | 'RC2' | 'IDEA' | 'DES' | '3DES' | 'AES' | 'CAMELLIA' | 'ARIA' | 'SEED' | 'CHACHA20' | 'SKIPJACK'
  | 'GOST28147' | 'KUZNYECHIK' | 'MAGMA' | 'SM4' | 'AEGIS' | 'ASCON';
export type CipherMode =
  | 'NULL' | 'STREAM' | 'CBC' | 'GCM' | 'CCM' | 'CCM_8' | 'CHACHA20_POLY1305' | 'CNT' | 'CTR' | 'MGM' | 'AEGIS' | 'ASCON';
/** The hash the name states: the HMAC hash of non-AEAD suites, the PRF/HKDF hash of AEAD and TLS 1.3 suites. */
export type SuiteHash =
  | 'MD5' | 'SHA1' | 'SHA256' | 'SHA384' | 'SHA512' | 'RIPEMD160' | 'SM3' | 'GOSTR3411' | 'GOST28147_IMIT' | 'OMAC'
  | 'ASCONHASH256';
export type SuiteProtocol = 'SSLv2' | 'TLS' | 'TLS13';

export interface SuiteDecomposition {
  protocol: SuiteProtocol;
  keyExchange: KeyExchange;
  authentication: Authentication;
  cipher: BulkCipher;
  /** Key size in bits as the name states it (3DES: 168, DES: 56, export ciphers: their export size). */
  cipherBits: number;
  mode: CipherMode;
  /** 64 or 128 for block ciphers, null for stream ciphers, AEAD stream constructions and NULL. */
  blockBits: number | null;
  hash: SuiteHash | null;
  aead: boolean;
  forwardSecrecy: boolean;
  export: boolean;
}

export type SuiteNameKind = 'suite' | 'signalling' | 'grease';

export type ParsedSuiteName =
  | { kind: 'suite'; decomposition: SuiteDecomposition }
  | { kind: 'signalling' | 'grease' };

const KX: Record<string, [KeyExchange, Authentication]> = {
  NULL: ['NULL', 'NULL'],
  RSA: ['RSA', 'RSA'],
  RSA_FIPS: ['RSA', 'RSA'], // Netscape's pre-standard FIPS suites, plain RSA key transport
  DH_DSS: ['DH', 'DSS'],
  DH_RSA: ['DH', 'RSA'],
  DHE_DSS: ['DHE', 'DSS'],
  DHE_RSA: ['DHE', 'RSA'],
  DH_anon: ['DH_anon', 'anon'],
  ECDH_anon: ['ECDH_anon', 'anon'],
  KRB5: ['KRB5', 'KRB5'],
  PSK: ['PSK', 'PSK'],
  DHE_PSK: ['DHE_PSK', 'PSK'],
  PSK_DHE: ['DHE_PSK', 'PSK'], // IANA's spelling for 0xC0AA/0xC0AB (RFC 6655)
  RSA_PSK: ['RSA_PSK', 'PSK'],
  ECDHE_PSK: ['ECDHE_PSK', 'PSK'],
  ECDH_ECDSA: ['ECDH', 'ECDSA'],
  ECDH_RSA: ['ECDH', 'RSA'],
  ECDHE_ECDSA: ['ECDHE', 'ECDSA'],
  ECDHE_RSA: ['ECDHE', 'RSA'],
  SRP_SHA: ['SRP', 'SRP'],
  SRP_SHA_RSA: ['SRP', 'RSA'],
  SRP_SHA_DSS: ['SRP', 'DSS'],
  ECCPWD: ['ECCPWD', 'ECCPWD'],
  CECPQ1_RSA: ['CECPQ1', 'RSA'],
  CECPQ1_ECDSA: ['CECPQ1', 'ECDSA'],
  GOSTR341094: ['GOST', 'GOST'],
  GOSTR341001: ['GOST', 'GOST'],
  GOSTR341112_256: ['GOST', 'GOST'],
  FORTEZZA_KEA: ['FORTEZZA_KEA', 'KEA'],
};

// Ephemeral key agreement on every handshake. DH_anon/ECDH_anon are ephemeral too (RFC 4346, RFC 8422) but
// unauthenticated; they are insecure whatever this flag says.
const EPHEMERAL = new Set<KeyExchange>(['DHE', 'ECDHE', 'DHE_PSK', 'ECDHE_PSK', 'DH_anon', 'ECDH_anon', 'SRP', 'ECCPWD', 'CECPQ1', 'TLS13']);

const MAC_SUFFIX: Record<string, SuiteHash> = {
  MD5: 'MD5', SHA: 'SHA1', SHA256: 'SHA256', SHA384: 'SHA384', SHA512: 'SHA512', RMD: 'RIPEMD160', SM3: 'SM3',
  GOSTR3411: 'GOSTR3411', IMIT: 'GOST28147_IMIT', OMAC: 'OMAC', ASCONHASH256: 'ASCONHASH256',
};

interface CipherPart {
  cipher: BulkCipher;
  cipherBits: number;
  mode: CipherMode;
  blockBits: number | null;
}

const BLOCK_BITS: Partial<Record<BulkCipher, number>> = {
  RC2: 64, IDEA: 64, DES: 64, '3DES': 64, SKIPJACK: 64, GOST28147: 64, MAGMA: 64,
  AES: 128, CAMELLIA: 128, ARIA: 128, SEED: 128, KUZNYECHIK: 128, SM4: 128,
};

function part(cipher: BulkCipher, cipherBits: number, mode: CipherMode): CipherPart {
  const block = mode === 'STREAM' || mode === 'NULL' || mode === 'CHACHA20_POLY1305' ? null : (BLOCK_BITS[cipher] ?? null);
  return { cipher, cipherBits, mode, blockBits: block };
}

/** The cipher tokens between `WITH_` and the MAC (or the whole TLS 1.3 body without its hash). */
function parseCipher(tokens: string): CipherPart | null {
  const fixed: Record<string, CipherPart> = {
    NULL: part('NULL', 0, 'NULL'),
    RC4_40: part('RC4', 40, 'STREAM'),
    RC4_56: part('RC4', 56, 'STREAM'),
    RC4_128: part('RC4', 128, 'STREAM'),
    RC2_CBC_40: part('RC2', 40, 'CBC'),
    RC2_CBC_56: part('RC2', 56, 'CBC'),
    RC2_CBC: part('RC2', 128, 'CBC'), // SSL_RSA_WITH_RC2_CBC_MD5: SSLv2's RC2_128 carried into SSLv3 code space
    IDEA_CBC: part('IDEA', 128, 'CBC'),
    DES40_CBC: part('DES', 40, 'CBC'),
    DES_CBC_40: part('DES', 40, 'CBC'),
    DES_CBC: part('DES', 56, 'CBC'),
    '3DES_EDE_CBC': part('3DES', 168, 'CBC'),
    SEED_CBC: part('SEED', 128, 'CBC'),
    CHACHA20_POLY1305: part('CHACHA20', 256, 'CHACHA20_POLY1305'),
    FORTEZZA_CBC: part('SKIPJACK', 80, 'CBC'),
    '28147_CNT': part('GOST28147', 256, 'CNT'),
    KUZNYECHIK_CTR: part('KUZNYECHIK', 256, 'CTR'),
    MAGMA_CTR: part('MAGMA', 256, 'CTR'),
    KUZNYECHIK_MGM_L: part('KUZNYECHIK', 256, 'MGM'),
    KUZNYECHIK_MGM_S: part('KUZNYECHIK', 256, 'MGM'),
    MAGMA_MGM_L: part('MAGMA', 256, 'MGM'),
    MAGMA_MGM_S: part('MAGMA', 256, 'MGM'),
    SM4_GCM: part('SM4', 128, 'GCM'),
    SM4_CCM: part('SM4', 128, 'CCM'),
    AEGIS_256: part('AEGIS', 256, 'AEGIS'),
    AEGIS_128L: part('AEGIS', 128, 'AEGIS'),
    ASCONAEAD128: part('ASCON', 128, 'ASCON'),
  };
  const hit = fixed[tokens];
  if (hit) return hit;
  const m = /^(AES|CAMELLIA|ARIA)_(128|256)_(CBC|GCM|CCM_8|CCM)$/.exec(tokens);
  if (m) return part(m[1] as BulkCipher, Number(m[2]), m[3] as CipherMode);
  return null;
}

const AEAD_MODES = new Set<CipherMode>(['GCM', 'CCM', 'CCM_8', 'CHACHA20_POLY1305', 'MGM', 'AEGIS', 'ASCON']);

/** Split a trailing hash token off `body`; CCM suites of RFC 6655/7251 name none and use SHA-256 for the PRF. */
function splitHash(body: string): { cipherTokens: string; hash: SuiteHash | null } {
  const last = body.lastIndexOf('_');
  if (last > 0) {
    const suffix = body.slice(last + 1);
    if (suffix === 'NULL') return { cipherTokens: body.slice(0, last), hash: null }; // TLS_NULL_WITH_NULL_NULL
    const h = MAC_SUFFIX[suffix];
    // GOST 28147 "CNT_IMIT" and "NULL_GOSTR3411" keep their cipher token before the MAC
    if (h) return { cipherTokens: body.slice(0, last), hash: h };
  }
  if (/_CCM(_8)?$/.test(body)) return { cipherTokens: body, hash: 'SHA256' };
  if (/_MGM_[LS]$/.test(body)) return { cipherTokens: body, hash: 'GOSTR3411' }; // RFC 9367: Streebog-256 HKDF
  return { cipherTokens: body, hash: null };
}

function sslv2(name: string): ParsedSuiteName | null {
  const m = /^SSLv20_CK_(RC4_128|RC4_128_EXPORT40|RC2_128_CBC|RC2_128_CBC_EXPORT40|IDEA_128_CBC|DES_64_CBC|DES_192_EDE3_CBC)_WITH_MD5$/.exec(name);
  if (!m) return null;
  const kinds: Record<string, [CipherPart, boolean]> = {
    RC4_128: [part('RC4', 128, 'STREAM'), false],
    RC4_128_EXPORT40: [part('RC4', 40, 'STREAM'), true],
    RC2_128_CBC: [part('RC2', 128, 'CBC'), false],
    RC2_128_CBC_EXPORT40: [part('RC2', 40, 'CBC'), true],
    IDEA_128_CBC: [part('IDEA', 128, 'CBC'), false],
    DES_64_CBC: [part('DES', 56, 'CBC'), false], // 64-bit key with 8 parity bits
    DES_192_EDE3_CBC: [part('3DES', 168, 'CBC'), false],
  };
  const [c, exp] = kinds[m[1] as string] as [CipherPart, boolean];
  return {
    kind: 'suite',
    decomposition: { protocol: 'SSLv2', keyExchange: 'RSA', authentication: 'RSA', ...c, hash: 'MD5', aead: false, forwardSecrecy: false, export: exp },
  };
}

/** Decompose one suite name; null when the name is not one this parser knows how to read. */
export function parseSuiteName(name: string): ParsedSuiteName | null {
  if (/^grease_0x[0-9A-F]{4}$/i.test(name)) return { kind: 'grease' };
  if (/_SCSV$/.test(name)) return { kind: 'signalling' };
  if (name.startsWith('SSLv20_CK_')) return sslv2(name);

  const prefixed = /^(TLS|SSL)_(.+)$/.exec(name);
  if (!prefixed) return null;
  // `_OLD` marks pre-RFC code points Zeek still names (draft ChaCha20, draft ECDHE_PSK CCM); `_2` a duplicate FIPS code
  const body = (prefixed[2] as string).replace(/_OLD$/, '').replace(/^(RSA_FIPS_WITH_.+)_2$/, '$1');
  const withAt = body.indexOf('_WITH_');

  if (withAt < 0) return tls13Style(body);

  let kxToken = body.slice(0, withAt).replace(/_ANON(?=_|$)/, '_anon');
  let isExport = false;
  const exp = /_EXPORT(1024)?$/.exec(kxToken);
  if (exp) {
    isExport = true;
    kxToken = kxToken.slice(0, exp.index);
  }
  const kx = KX[kxToken];
  if (!kx) return null;
  const { cipherTokens, hash } = splitHash(body.slice(withAt + '_WITH_'.length));
  const c = parseCipher(cipherTokens);
  if (!c) return null;
  // RFC 9367's MGM suites are TLS 1.3 suites despite their TLS 1.2-style names
  const protocol: SuiteProtocol = c.mode === 'MGM' ? 'TLS13' : 'TLS';
  const [keyExchange, authentication] = protocol === 'TLS13' ? (['TLS13', 'TLS13'] as const) : kx;
  return {
    kind: 'suite',
    decomposition: {
      protocol, keyExchange, authentication, ...c, hash,
      aead: AEAD_MODES.has(c.mode),
      forwardSecrecy: EPHEMERAL.has(keyExchange),
      export: isExport,
    },
  };
}

/** TLS 1.3 names carry only cipher and hash (`AES_128_GCM_SHA256`); RFC 9150's `SHA256_SHA256` is integrity-only. */
function tls13Style(body: string): ParsedSuiteName | null {
  const integrityOnly = /^(SHA256|SHA384)_\1$/.exec(body);
  const { cipherTokens, hash } = splitHash(body);
  const c = integrityOnly ? part('NULL', 0, 'NULL') : parseCipher(cipherTokens);
  if (!c || !hash) return null;
  return {
    kind: 'suite',
    decomposition: {
      protocol: 'TLS13', keyExchange: 'TLS13', authentication: 'TLS13', ...c, hash,
      aead: AEAD_MODES.has(c.mode), forwardSecrecy: true, export: false,
    },
  };
}
