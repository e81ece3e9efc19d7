// Every version string Zeek writes to ssl.log `version` (and `client_record_version`, …): the names of
// SSL::version_strings (generated/zeek-versions.ts) plus what its &default function makes of other wire values,
// `TLSv13-draftN` for TLS 1.3 drafts and `unknown-N` (decimal) for the rest.
import { ZEEK_VERSIONS } from './generated/zeek-versions.ts';

export type VersionFamily = 'ssl' | 'tls' | 'dtls' | 'unknown';

export interface TlsVersionInfo {
  /** The string as Zeek logs it. */
  version: string;
  /** Wire value (0x0303 for TLSv12); for drafts the 0x7F00 + N value the drafts used. */
  code: number | null;
  family: VersionFamily;
  /** Orders versions by strength: 1 SSLv2, 2 SSLv3, 3 TLS 1.0, 4 TLS 1.1, 5 TLS 1.2, 6 TLS 1.3 drafts, 7 TLS 1.3;
   *  DTLS takes the rank of the TLS version it is built on (DTLS 1.0 = TLS 1.1, 1.2 = 1.2, 1.3 = 1.3). */
  ordinal: number | null;
  /** analyses.md: SSLv2, SSLv3, TLS 1.0, TLS 1.1. */
  obsolete: boolean;
  /** analyses.md: DTLS 1.0 and TLS 1.3 drafts are reported apart, neither obsolete nor current. */
  reportedApart: boolean;
  isDraft: boolean;
  draft: number | null;
  label: string;
  /** False for `unknown-N` and for strings Zeek never writes. */
  known: boolean;
  /** The name Mozilla's guidelines use (TLSv1, TLSv1.1 …); null for DTLS, drafts and unknown values. */
  mozillaName: string | null;
}

interface Fixed {
  family: VersionFamily;
  ordinal: number;
  obsolete: boolean;
  reportedApart: boolean;
  label: string;
  mozillaName: string | null;
}

const FIXED: Record<string, Fixed> = {
  SSLv2: { family: 'ssl', ordinal: 1, obsolete: true, reportedApart: false, label: 'SSL 2.0', mozillaName: 'SSLv2' },
  SSLv3: { family: 'ssl', ordinal: 2, obsolete: true, reportedApart: false, label: 'SSL 3.0', mozillaName: 'SSLv3' },
  TLSv10: { family: 'tls', ordinal: 3, obsolete: true, reportedApart: false, label: 'TLS 1.0', mozillaName: 'TLSv1' },
  TLSv11: { family: 'tls', ordinal: 4, obsolete: true, reportedApart: false, label: 'TLS 1.1', mozillaName: 'TLSv1.1' },
  TLSv12: { family: 'tls', ordinal: 5, obsolete: false, reportedApart: false, label: 'TLS 1.2', mozillaName: 'TLSv1.2' },
  TLSv13: { family: 'tls', ordinal: 7, obsolete: false, reportedApart: false, label: 'TLS 1.3', mozillaName: 'TLSv1.3' },
  DTLSv10: { family: 'dtls', ordinal: 4, obsolete: false, reportedApart: true, label: 'DTLS 1.0', mozillaName: null },
  DTLSv12: { family: 'dtls', ordinal: 5, obsolete: false, reportedApart: false, label: 'DTLS 1.2', mozillaName: null },
  DTLSv13: { family: 'dtls', ordinal: 7, obsolete: false, reportedApart: false, label: 'DTLS 1.3', mozillaName: null },
};

const TLS13_DRAFT_ORDINAL = 6;
const TLS12_ORDINAL = 5;

const codeOfName = new Map(ZEEK_VERSIONS.map((v) => [v.name, v.code]));
for (const v of ZEEK_VERSIONS) {
  // a new name in consts.zeek must be classified here before it can be reported
  if (!FIXED[v.name]) throw new Error(`src/tls/versions.ts has no entry for Zeek version ${v.name}`);
}

/** What Zeek logs for a wire value: its version_strings table, then the &default function. */
export function zeekVersionName(code: number): string {
  const named = ZEEK_VERSIONS.find((v) => v.code === code);
  if (named) return named.name;
  // consts.zeek: `if ( i/0xFF == 0x7F ) return fmt("TLSv13-draft%d", i % 0x7F );` (count division truncates)
  if (Math.floor(code / 0xff) === 0x7f) return `TLSv13-draft${code % 0x7f}`;
  return `unknown-${code}`;
}

function unknownFamily(code: number): VersionFamily {
  const major = code >> 8;
  if (major === 0x03 || major === 0x7f || major === 0x7e) return 'tls'; // 0x7Exx: vendor TLS 1.3 drafts (e.g. Facebook's)
  if (major === 0xfe) return 'dtls';
  return 'unknown';
}

/** Describe one logged version string; null for an empty or unset (`-`) field. */
export function describeVersion(raw: string | null | undefined): TlsVersionInfo | null {
  if (raw === null || raw === undefined) return null;
  const version = raw.trim();
  if (version === '' || version === '-') return null;
  const fixed = FIXED[version];
  if (fixed) return { version, code: codeOfName.get(version) ?? null, ...fixed, isDraft: false, draft: null, known: true };
  const draft = /^TLSv13-draft(\d+)$/.exec(version);
  if (draft) {
    const n = Number(draft[1]);
    return {
      version, code: n < 0x7f ? 0x7f00 + n : null, family: 'tls', ordinal: TLS13_DRAFT_ORDINAL, obsolete: false, reportedApart: true,
      isDraft: true, draft: n, label: `TLS 1.3 draft ${n}`, known: n < 0x7f, mozillaName: null,
    };
  }
  const unknown = /^unknown-(\d+)$/.exec(version);
  if (unknown) {
    const code = Number(unknown[1]);
    return {
      version, code, family: unknownFamily(code), ordinal: null, obsolete: false, reportedApart: false, isDraft: false, draft: null,
      label: `unknown (0x${code.toString(16).toUpperCase().padStart(4, '0')})`, known: false, mozillaName: null,
    };
  }
  return {
    version, code: null, family: 'unknown', ordinal: null, obsolete: false, reportedApart: false, isDraft: false, draft: null,
    label: `unrecognised (${version})`, known: false, mozillaName: null,
  };
}

/** analyses.md B's "rate of TLS 1.2 or above": TLS 1.2, TLS 1.3 and its drafts, DTLS 1.2 and 1.3. */
export function isTls12OrAbove(info: TlsVersionInfo): boolean {
  return info.ordinal !== null && info.ordinal >= TLS12_ORDINAL;
}

/** Every string Zeek can write for a version other than `unknown-N`: the named versions and all drafts. */
export function knownVersionStrings(): string[] {
  const drafts: string[] = [];
  for (let n = 0; n < 0x7f; n++) drafts.push(`TLSv13-draft${n}`);
  return [...ZEEK_VERSIONS.map((v) => v.name), ...drafts];
}
