// An SSL Labs-style grade for one server from what its sessions negotiated (analysis tls-report-cards). The
// numeric part follows the SSL Labs SSL Server Rating Guide (github.com/ssllabs/research, "SSL Server Rating
// Guide", version 2009q): protocol (30 %), key exchange (30 %) and cipher strength (40 %) scores, each the mean
// of the best and the worst seen, a zero in any category making the total zero, and the letter from the total
// (A ≥ 80, B ≥ 65, C ≥ 50, D ≥ 35, E ≥ 20, else F). Caps are then applied, each with its reason. Which caps
// and at what letter is dhai's decision in the spirit of the guide's later rules (TLS 1.0/1.1 capped at B is
// SSL Labs' own rule since January 2020). A passive sensor sees only what clients asked for, so the result is an
// upper bound: an active scan can only find more, never less.

export const GRADES = ['A+', 'A', 'A-', 'B', 'C', 'D', 'E', 'F'] as const;
export type Grade = (typeof GRADES)[number];

export interface NegotiatedCombo {
  version: string | null;
  /** versions.ts ordinal: 1 SSLv2 … 7 TLS 1.3; null for unknown versions */
  ordinal: number | null;
  cipher: string | null;
  /** bulk cipher key bits as the suite name states them (3DES 168); null when the suite is unknown */
  cipherBits: number | null;
  bulkCipher: string | null;
  blockBits: number | null;
  keyExchange: string | null;
  authentication: string | null;
  exportSuite: boolean | null;
  forwardSecrecy: boolean | null;
  aead: boolean | null;
  /** negotiated group: family (group-name.ts: ec-prime, ffdhe, hybrid …) and bits; null when none was logged */
  curveFamily: string | null;
  curveBits: number | null;
  /** leaf certificate key, when a chain was logged */
  keyType: string | null;
  keyBits: number | null;
  sessions: number;
}

export interface GradeResult {
  grade: Grade;
  /** false when no known version or suite was negotiated: the F then says nothing about the server */
  graded: boolean;
  /** 0..100, or 0 when a category scored zero */
  score: number;
  protocolScore: number | null;
  keyExchangeScore: number | null;
  cipherScore: number | null;
  /** every point lost and every cap, in words */
  deductions: string[];
}

// Protocol support (guide Table 2); DTLS takes the score of the TLS version it is built on, drafts that of TLS 1.3
const PROTOCOL_SCORE: Record<number, number> = { 1: 0, 2: 80, 3: 90, 4: 95, 5: 100, 6: 100, 7: 100 };

/** Cipher strength (guide Table 4). */
export function cipherStrengthScore(bits: number): number {
  if (bits <= 0) return 0;
  if (bits < 128) return 20;
  if (bits < 256) return 80;
  return 100;
}

/** Key exchange by RSA-equivalent strength (guide Table 3). */
export function keyStrengthScore(rsaBits: number): number {
  if (rsaBits < 512) return 20;
  if (rsaBits < 1024) return 40;
  if (rsaBits < 2048) return 80;
  if (rsaBits < 4096) return 90;
  return 100;
}

/** RSA-equivalent strength of an elliptic-curve key size (NIST SP 800-57 Part 1, Table 2; Curve25519's 255 bits as 256). */
export function ecToRsaBits(ecBits: number): number {
  if (ecBits >= 512) return 15360;
  if (ecBits >= 384) return 7680;
  if (ecBits >= 255) return 3072;
  if (ecBits >= 224) return 2048;
  return 1024;
}

function keyExchangeOf(c: NegotiatedCombo): { score: number; why: string } | null {
  if (c.authentication === 'anon' || c.keyExchange === 'DH_anon' || c.keyExchange === 'ECDH_anon') return { score: 0, why: 'anonymous key exchange' };
  if (c.exportSuite) return { score: 40, why: 'export key exchange' };
  const parts: { bits: number; what: string }[] = [];
  if (c.keyType && c.keyBits) {
    const ec = c.keyType === 'ecdsa' || c.keyType === 'ec';
    parts.push({ bits: ec ? ecToRsaBits(c.keyBits) : c.keyBits, what: `${c.keyType.toUpperCase()} ${c.keyBits}-bit certificate key` });
  }
  if (c.curveBits) {
    const ff = c.curveFamily === 'ffdhe';
    parts.push({ bits: ff ? c.curveBits : ecToRsaBits(c.curveBits), what: `${c.curveBits}-bit ephemeral group` });
  }
  if (parts.length === 0) return null;
  const weakest = parts.reduce((a, b) => (b.bits < a.bits ? b : a));
  return { score: keyStrengthScore(weakest.bits), why: weakest.what };
}

const rank = (g: Grade) => GRADES.indexOf(g);
function letter(score: number): Grade {
  if (score >= 80) return 'A';
  if (score >= 65) return 'B';
  if (score >= 50) return 'C';
  if (score >= 35) return 'D';
  if (score >= 20) return 'E';
  return 'F';
}

const mean = (xs: number[]) => (Math.max(...xs) + Math.min(...xs)) / 2;

/** Grade a server from the (version, suite, group, key) combinations its sessions negotiated. */
export function gradeServer(combos: readonly NegotiatedCombo[]): GradeResult {
  const deductions: string[] = [];
  const caps: { grade: Grade; why: string }[] = [];
  const cap = (grade: Grade, why: string) => caps.push({ grade, why });
  const sessionsWith = (p: (c: NegotiatedCombo) => boolean) => combos.filter(p).reduce((a, c) => a + c.sessions, 0);

  const protos = combos.filter((c) => c.ordinal !== null).map((c) => ({ score: PROTOCOL_SCORE[c.ordinal!]!, v: c.version! }));
  const protocolScore = protos.length ? mean(protos.map((p) => p.score)) : null;
  if (protocolScore !== null && protocolScore < 100) {
    const worst = protos.reduce((a, b) => (b.score < a.score ? b : a));
    deductions.push(`protocol ${protocolScore}: the oldest version negotiated, ${worst.v}, scores ${worst.score}`);
  }
  const ciphers = combos.filter((c) => c.cipherBits !== null).map((c) => ({ score: cipherStrengthScore(c.cipherBits!), c }));
  const cipherScore = ciphers.length ? mean(ciphers.map((c) => c.score)) : null;
  if (cipherScore !== null && cipherScore < 100) {
    const worst = ciphers.reduce((a, b) => (b.score < a.score ? b : a));
    deductions.push(`cipher strength ${cipherScore}: the weakest suite negotiated, ${worst.c.cipher} (${worst.c.cipherBits}-bit), scores ${worst.score}`);
  }
  const kx = combos.map(keyExchangeOf).filter((k): k is { score: number; why: string } => k !== null);
  const keyExchangeScore = kx.length ? mean(kx.map((k) => k.score)) : null;
  if (keyExchangeScore !== null && keyExchangeScore < 100) {
    const worst = kx.reduce((a, b) => (b.score < a.score ? b : a));
    deductions.push(`key exchange ${keyExchangeScore}: the weakest, ${worst.why}, scores ${worst.score}`);
  }
  if (keyExchangeScore === null) deductions.push('key exchange not scored: no certificate key or ephemeral group was logged; protocol and cipher scores re-weighted 3:4');

  let score: number;
  if (protocolScore === null || cipherScore === null) {
    score = 0;
    deductions.push('no known version or suite negotiated: nothing to grade');
  } else if (protocolScore === 0 || cipherScore === 0 || keyExchangeScore === 0) {
    score = 0;
    deductions.push('a category scored zero, so the total is zero (rating guide)');
  } else if (keyExchangeScore === null) {
    score = (0.3 * protocolScore + 0.4 * cipherScore) / 0.7;
  } else {
    score = 0.3 * protocolScore + 0.3 * keyExchangeScore + 0.4 * cipherScore;
  }
  score = Math.round(score * 100) / 100;

  const n = (p: (c: NegotiatedCombo) => boolean) => sessionsWith(p);
  const withCount = (what: string, p: (c: NegotiatedCombo) => boolean) => {
    const k = n(p);
    return `${what} (${k} session${k === 1 ? '' : 's'})`;
  };
  if (n((c) => c.version === 'SSLv2') > 0) cap('F', withCount('SSL 2.0 negotiated', (c) => c.version === 'SSLv2'));
  if (n((c) => c.exportSuite === true) > 0) cap('F', withCount('EXPORT suite negotiated', (c) => c.exportSuite === true));
  if (n((c) => c.bulkCipher === 'NULL') > 0) cap('F', withCount('NULL cipher negotiated', (c) => c.bulkCipher === 'NULL'));
  if (n((c) => c.authentication === 'anon') > 0) cap('F', withCount('anonymous suite negotiated', (c) => c.authentication === 'anon'));
  if (n((c) => c.keyType === 'rsa' && c.keyBits !== null && c.keyBits < 1024) > 0) cap('F', withCount('RSA certificate key under 1024 bits', (c) => c.keyType === 'rsa' && (c.keyBits ?? 2048) < 1024));
  if (n((c) => c.version === 'SSLv3') > 0) cap('C', withCount('SSL 3.0 negotiated (POODLE)', (c) => c.version === 'SSLv3'));
  if (n((c) => c.bulkCipher === 'RC4') > 0) cap('C', withCount('RC4 negotiated', (c) => c.bulkCipher === 'RC4'));
  if (n((c) => c.blockBits === 64) > 0) cap('C', withCount('64-bit block cipher negotiated (3DES/IDEA/RC2: Sweet32)', (c) => c.blockBits === 64));
  if (n((c) => c.version === 'TLSv10' || c.version === 'TLSv11') > 0) cap('B', withCount('TLS 1.0 or 1.1 negotiated (SSL Labs caps at B since 2020)', (c) => c.version === 'TLSv10' || c.version === 'TLSv11'));
  if (n((c) => c.forwardSecrecy === false) > 0) cap('B', withCount('a suite without forward secrecy negotiated', (c) => c.forwardSecrecy === false));
  if (n((c) => c.keyType === 'rsa' && c.keyBits !== null && c.keyBits >= 1024 && c.keyBits < 2048) > 0) cap('B', withCount('RSA certificate key under 2048 bits', (c) => c.keyType === 'rsa' && (c.keyBits ?? 0) >= 1024 && (c.keyBits ?? 0) < 2048));
  if (combos.length > 0 && combos.every((c) => c.aead !== true)) cap('A-', 'no AEAD suite negotiated');

  let grade = letter(score);
  for (const c of caps) {
    deductions.push(`capped at ${c.grade}: ${c.why}`);
    if (rank(c.grade) > rank(grade)) grade = c.grade;
  }
  return { grade, graded: protocolScore !== null && cipherScore !== null, score, protocolScore, keyExchangeScore, cipherScore, deductions };
}
