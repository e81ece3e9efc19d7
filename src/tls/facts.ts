// Shapes of the generated TLS tables (src/tls/generated/*). Facts only: what the registries, Zeek and Mozilla
// say, plus the decomposition of each name; classes and tiers are computed by cipher-class.ts / mozilla-tier.ts.
import type { GroupDecomposition } from './group-name.ts';
import type { SuiteDecomposition, SuiteNameKind } from './suite-name.ts';

export type IanaRecommendedFlag = 'Y' | 'N' | 'D';

export interface TableSource {
  /** What the upstream is, e.g. "IANA TLS Cipher Suites registry". */
  title: string;
  url: string;
  /** Where the copy the generator read came from (repository@commit:path), when known. */
  copy: string | null;
  /** The upstream's own version or date, or how the copy was dated when the file carries none. */
  version: string;
  sha256: string;
}

export interface CipherSuiteFacts {
  /** 16-bit TLS code point; SSLv2 kinds are 24-bit (0x0700C0). */
  code: number;
  /** IANA Description, null for code points IANA does not assign (SSLv2, Zeek's draft/vendor entries, GREASE). */
  iana: string | null;
  /** The name Zeek logs in ssl.log `cipher`; null when Zeek would log `unknown-<code>`. */
  zeek: string | null;
  /** IANA "Recommended" column (Y, N, D = discouraged); null when not in the registry. */
  recommended: IanaRecommendedFlag | null;
  dtlsOk: boolean | null;
  reference: string | null;
  kind: SuiteNameKind;
  /** null for signalling values (SCSV) and GREASE. */
  suite: SuiteDecomposition | null;
}

export interface CurveFacts {
  code: number;
  iana: string | null;
  zeek: string | null;
  recommended: IanaRecommendedFlag | null;
  dtlsOk: boolean | null;
  /** IANA marks superseded pre-standard hybrids "(OBSOLETE)". */
  obsolete: boolean;
  reference: string | null;
  kind: 'group' | 'grease';
  group: GroupDecomposition | null;
}

export type MozillaConfigName = 'modern' | 'intermediate' | 'old';

export interface MozillaConfigurationFacts {
  /** As Mozilla writes them: TLSv1, TLSv1.1, TLSv1.2, TLSv1.3. */
  tlsVersions: readonly string[];
  /** Suites the configuration enables (TLS 1.3 `ciphersuites` plus `ciphers.iana`), resolved to code points. */
  suites: readonly { code: number; name: string }[];
  curves: readonly string[];
}

export interface ZeekVersionFacts {
  code: number;
  name: string;
}
