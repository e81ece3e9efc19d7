// Pseudonymisation at ingest (`dhai ingest --pseudonymise --key-file K`): what is replaced, and by what.
//
// Columns, per log type (names are the store's, dots as underscores):
//
//   log type   column                           holds                       replaced when
//   any        every column of Zeek type addr,  an address                  it is internal (every address with
//              set[addr] or vector[addr]                                    --pseudonymise-external): Crypto-PAn
//              (conn, dns, ssl, files:
//              id_orig_h, id_resp_h; files:
//              tx_hosts, rx_hosts; x509: san_ip)
//   any        every column of Zeek type subnet  a network                  its network address is internal (or
//              (and sets/vectors of subnets)                                 always, with external): Crypto-PAn
//   dns        query                            a DNS name                  the name is internal (see below)
//   dns        answers                          names and addresses         per element, as a name or address
//   ssl        server_name                      a host name (SNI)           the name is internal
//
// What is internal is decided in privacy/site-pseudonyms.ts (the site's internal networks and device-class
// subnets; its domains, internal-only TLDs, single labels, reverse names of internal networks). Internal names get
// NamePseudonyms (structure kept: suffix, label count, character classes); reverse names and IP literals go through
// Crypto-PAn so they agree with the address columns. Everything else in the logs is kept: certificates stay as
// they are (x509 subjects, issuers and SAN names; ssl subject/issuer of old Zeek), because validation needs them;
// x509.san_ip is an address column like the others, so a certificate's IP still matches its server's address.
// Text in an address column that is not an address but holds an internal network's leading octets is replaced by
// a keyed pseudonym of the text (it may be a mangled internal address). Rejected and skipped lines are counted
// without their text (ingest.ts).
//
// How it runs: each distinct value is decided and mapped once per run in Node (the caches here; an internal IPv4
// address maps its whole /24 at once); the COPY that writes a Parquet part joins the values already mapped and
// calls back into Node (a DuckDB scalar function) only for values it has not met, which the SQL pre-filters
// (`maybeSql`) so that plainly external values never leave DuckDB. See ingest/pseudonymise-sql.ts.
import type { Site } from '../config/site.ts';
import { parseAddress, parseNetwork } from '../privacy/addresses.ts';
import { INTERNAL_TLDS } from '../privacy/pseudonyms.ts';
import { SitePseudonyms, internalCidrs } from '../privacy/site-pseudonyms.ts';
import { unescapeZeek } from '../sources/zeek/values.ts';
import { containerInner } from '../sources/zeek/zeek-types.ts';
import { literal } from '../store/sql.ts';

export type PseudonymKind = 'address' | 'network' | 'name' | 'answer';

/** Columns holding host or DNS names, per log type (address columns are found by their Zeek type). */
export const NAME_COLUMNS: Readonly<Record<string, Readonly<Record<string, 'name' | 'answer'>>>> = {
  dns: { query: 'name', answers: 'answer' },
  ssl: { server_name: 'name' },
};

/** The log types whose every identifying column the table above covers: the only ones --pseudonymise stores. */
export const PSEUDONYMISED_LOG_TYPES: ReadonlySet<string> = new Set(['conn', 'dns', 'ssl', 'x509', 'files', 'capture_loss']);

/** What a stored column holds, for pseudonymisation; undefined when it is kept as it is. */
export function pseudonymKind(logType: string, column: string, zeekType: string): PseudonymKind | undefined {
  const scalar = containerInner(zeekType) ?? zeekType;
  if (scalar === 'addr') return 'address';
  if (scalar === 'subnet') return 'network';
  return NAME_COLUMNS[logType]?.[column];
}

/** How a TSV field is written: a set's separator (undefined for a scalar) and the header's empty-field marker. */
export interface TextFormat {
  separator?: string;
  empty: string;
}

const KINDS: PseudonymKind[] = ['address', 'network', 'name', 'answer'];
const perKind = <T>(make: () => T): Record<PseudonymKind, T> => Object.fromEntries(KINDS.map((k) => [k, make()])) as Record<PseudonymKind, T>;

export class IngestPseudonymiser {
  readonly #site: SitePseudonyms;
  readonly #cidrs: string[];
  /** every value met so far, per kind: the in-run cache (a value is mapped once per run) */
  readonly #values = perKind(() => new Map<string, string>());
  /** the same per field text as a TSV writes it, keyed by format and text */
  readonly #texts = perKind(() => new Map<string, string>());
  /** what was mapped since the SQL side last loaded its join tables */
  #freshValues = perKind((): [string, string][] => []);
  #freshTexts = perKind((): [string, string, string][] => []);
  readonly #mangled: RegExp;

  constructor(key: Uint8Array, site: Site, external: boolean) {
    this.#site = new SitePseudonyms(key, site, external);
    this.#cidrs = internalCidrs(site);
    // the address pre-filter's pattern (maybeSql), for text that is no address; every such text with external
    const v4 = this.#v4Prefixes();
    this.#mangled = external ? /^/ : new RegExp(`${v4 ? `${v4}|` : ''}:`);
  }

  get external(): boolean {
    return this.#site.external;
  }


  /** The stored value for a (decoded) value of a column of this kind (cached). */
  map(kind: PseudonymKind, value: string): string {
    let out = this.#values[kind].get(value);
    if (out === undefined) {
      const s = this.#site;
      out = kind === 'address' ? this.#address(value) : kind === 'network' ? s.network(value) : kind === 'name' ? s.name(value) : s.answer(value);
      this.#remember(kind, value, out);
    }
    return out;
  }

  #remember(kind: PseudonymKind, value: string, out: string): void {
    this.#values[kind].set(value, out);
    this.#freshValues[kind].push([value, out]);
  }

  /**
   * A field as the TSV holds it (Zeek's escapes, the empty marker, a set's separator) → for a scalar, the value
   * to store; for a set, its text with each element mapped (escaped again), which the usual conversion then
   * splits and decodes. Cached per text.
   */
  mapText(kind: PseudonymKind, text: string, format: TextFormat): string {
    const f = formatKey(format);
    const key = `${f}\0${text}`;
    let out = this.#texts[kind].get(key);
    if (out === undefined) {
      const decode = (t: string) => (t.includes('\\') ? unescapeZeek(t) : t);
      if (format.separator === undefined) out = text === format.empty ? '' : this.map(kind, decode(text));
      else {
        const sep = format.separator;
        out = text === format.empty ? text : text.split(sep).map((el) => {
          const plain = decode(el);
          const mapped = this.map(kind, plain);
          return mapped === plain ? el : escapeZeek(mapped, sep);
        }).join(sep);
      }
      this.#texts[kind].set(key, out);
      this.#freshTexts[kind].push([text, f, out]);
    }
    return out;
  }

  /** [value, stored] mapped since the last call (every one with `all`), each returned once. */
  takeValues(kind: PseudonymKind, all = false): [string, string][] {
    const out = all ? [...this.#values[kind]] : this.#freshValues[kind];
    this.#freshValues[kind] = [];
    return out;
  }

  /** [text, format key, stored] mapped since the last call (every one with `all`). */
  takeTexts(kind: PseudonymKind, all = false): [string, string, string][] {
    const out = all ? [...this.#texts[kind]].map(([k, v]): [string, string, string] => {
      const cut = k.indexOf('\0');
      return [k.slice(cut + 1), k.slice(0, cut), v];
    }) : this.#freshTexts[kind];
    this.#freshTexts[kind] = [];
    return out;
  }

  /**
   * An address column's value. Text that is no address is replaced when it holds what the SQL pre-filter looks
   * for (an internal network's leading octets, a colon): it may be a mangled internal address.
   */
  #address(text: string): string {
    const out = this.#site.address(text);
    if (out !== text) {
      // the rest of its /24 too, in one batch (a DHCP pool's next addresses then join instead of calling back)
      for (const [a, p] of this.#site.block24(text)) if (a !== text && !this.#values.address.has(a)) this.#remember('address', a, p);
      return out;
    }
    if (text === '' || parseAddress(text)) return out;
    return this.#mangled.test(text) ? this.#site.opaque(text) : text;
  }

  /**
   * An SQL condition on `x` (VARCHAR) that holds for every value `map(kind, x)` may change, and for few others:
   * values it is false for are stored as they are without asking Node. Cheap on purpose (it runs on every value
   * the map tables do not hold): an address is asked about when its text contains an internal network's leading
   * octets anywhere (so no text holding an internal address is kept) or a colon (IPv6, IPv4-mapped); a name when
   * it is a single label, ends in a site domain or an internal TLD, is the reverse name of an internal network,
   * or looks like an address.
   */
  maybeSql(kind: PseudonymKind, x: string): string {
    return this.#maybe(kind, x, undefined);
  }

  /** maybeSql for a field's text as the TSV holds it (`format`: a set's separator, the empty marker). */
  maybeTextSql(kind: PseudonymKind, x: string, format: TextFormat): string {
    // an escape may hide anything: Node decodes and decides
    return `(contains(${x}, '\\') OR ${this.#maybe(kind, x, format.separator)})`;
  }

  #maybe(kind: PseudonymKind, x: string, separator: string | undefined): string {
    if (kind === 'network' || (kind === 'address' && this.external)) return 'true';
    const v4 = this.#v4Prefixes();
    // an address element's text holds an internal prefix anywhere: sets need no element boundaries for it
    if (kind === 'address') return `regexp_matches(${x}, ${literal(`${v4 ? `${v4}|` : ''}:`)})`;
    // element boundaries: the string's ends, and in a set also the separator
    const sep = separator === undefined ? undefined : reEscape(separator);
    const [start, end] = sep === undefined ? ['^', '$'] : [`(^|${sep})`, `(${sep}|$)`];
    const cls = separator?.length === 1 ? sep : ''; // a longer separator: the label pattern may span it (a superset)
    const suffixes = [...this.#site.domains, ...INTERNAL_TLDS].map(reEscape);
    // reverse names: only those of internal networks (every one with external)
    const reverse = this.external ? ['in-addr\\.arpa', 'ip6\\.arpa'] : [...this.#v4Reverse().map((r) => `${r}\\.in-addr\\.arpa`), 'ip6\\.arpa'];
    const names = `(^|\\.${sep === undefined ? '' : `|${sep}`})(${[...suffixes, ...reverse].join('|')})\\.?${end}|${start}[^.${cls ?? ''} ]*\\.?${end}`;
    const digits = `${start}[0-9.]+${end}`;
    // answers are mostly external addresses: only internal-looking ones (every one with external) are asked about
    const addr = kind === 'name' || this.external ? `${digits}|:` : `${v4 ? `${start}(${v4})|` : ''}:`;
    return `regexp_matches(${x}, ${literal(`(?i)${names}|${addr}`)})`;
  }

  /** The internal IPv4 networks' whole leading octets as alternatives of a regular expression ('' when none). */
  #v4Prefixes(): string {
    return this.#v4Octets().map((o) => `${o.join('\\.')}\\.`).join('|');
  }

  /** The same octets reversed, as in-addr.arpa names write them (`10.20.in-addr.arpa` for 20.10/16). */
  #v4Reverse(): string[] {
    return this.#v4Octets().map((o) => [...o].reverse().join('\\.'));
  }

  /** Per internal IPv4 network, its whole leading octets (each first octet it spans when shorter than /8). */
  #v4Octets(): number[][] {
    const out = new Map<string, number[]>();
    for (const c of this.#cidrs) {
      const n = parseNetwork(c);
      if (n.family !== 4) continue;
      const whole = Math.floor(n.prefix / 8);
      if (whole > 0) out.set(String(n.bytes.subarray(0, whole)), Array.from(n.bytes.subarray(0, whole)));
      else for (let v = n.bytes[0]!; v < n.bytes[0]! + (1 << (8 - n.prefix)); v++) out.set(String(v), [v]);
    }
    return [...out.values()];
  }
}

export function formatKey(f: TextFormat): string {
  return JSON.stringify([f.separator ?? null, f.empty]);
}

/** `s` as a literal inside a regular expression. */
function reEscape(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}

/** A value back in Zeek's TSV text form inside a set: backslashes doubled, the separator and controls as \xHH. */
function escapeZeek(s: string, separator: string): string {
  let out = '';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (code < 0x20 || code === 0x7f || separator.includes(ch)) out += Buffer.from(ch).toString('hex').replace(/../g, '\\x$&');
    else out += ch;
  }
  return out;
}
