// Reading the names in a certificate as Zeek logs them: distinguished names in OpenSSL's RFC 2253 text
// (`CN=R3,O=Let's Encrypt,C=US`, most specific first, `\,` and `\XX` escapes), the DNS names a certificate is
// for, and whether such a name lies under one of a set of domains. All of it is attacker-controlled text: it is
// only ever compared, never interpreted.
import { getDomain } from 'tldts';

export interface DnAttribute {
  /** OpenSSL short name (CN, O, OU, emailAddress …) or a dotted OID, as printed */
  type: string;
  value: string;
}

/** Attributes of a Zeek/OpenSSL RFC 2253 name, in printed order (most specific first), values unescaped. */
export function dnAttributes(text: string | null | undefined): DnAttribute[] {
  if (!text) return [];
  const out: DnAttribute[] = [];
  let type = '';
  let bytes: number[] = [];
  let inValue = false;
  const flush = (): void => {
    if (inValue) out.push({ type: type.trim(), value: Buffer.from(bytes).toString('utf8') });
    type = '';
    bytes = [];
    inValue = false;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (!inValue) {
      if (ch === '=') inValue = true;
      else if (ch === ',' || ch === '+') type = '';
      else type += ch;
      continue;
    }
    // Zeek's TSV writer doubles OpenSSL's backslashes (`O=Imgur\\, Inc.` in real logs) and the reader keeps
    // them: `\\` before a character RFC 2253 escapes is read as that one escape. (A value really ending in a
    // backslash before the next RDN would be misread; OpenSSL writes those only for names that contain one.)
    if (ch === '\\' && text[i + 1] === '\\' && i + 2 < text.length && ',+"\\<>;='.includes(text[i + 2]!)) continue;
    if (ch === '\\' && i + 1 < text.length) {
      const hex = text.slice(i + 1, i + 3);
      // OpenSSL escapes bytes outside printable ASCII as \XX (two hex digits), specials as \c
      if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
        bytes.push(parseInt(hex, 16));
        i += 2;
      } else {
        bytes.push(...Buffer.from(text[i + 1]!, 'utf8'));
        i += 1;
      }
    } else if (ch === ',' || ch === '+') flush();
    else bytes.push(...Buffer.from(ch, 'utf8'));
  }
  flush();
  return out;
}

/** The first value of an attribute type in printed order (the most specific), or null. */
export function dnFirst(text: string | null | undefined, type: string): string | null {
  const t = type.toLowerCase();
  return dnAttributes(text).find((a) => a.type.toLowerCase() === t)?.value ?? null;
}

const HOSTNAME = /^[*a-z0-9_.-]+$/i;

/**
 * The DNS names a certificate is for: its most specific CN when it looks like a host name (letters, digits,
 * `-_.*`, at least one dot) and every SAN DNS entry; lower-cased, without repeats.
 */
export function certificateNames(subject: string | null | undefined, sanDns: readonly string[] | null | undefined): string[] {
  const names = new Set<string>();
  const cn = dnFirst(subject, 'CN');
  if (cn && HOSTNAME.test(cn) && cn.includes('.')) names.add(cn.toLowerCase());
  for (const s of sanDns ?? []) if (s) names.add(s.toLowerCase());
  return [...names];
}

/** A name (a leading `*.` ignored) equal to one of `domains` or below it; `domains` lower-case. */
export function underDomains(name: string, domains: readonly string[]): boolean {
  const n = name.replace(/^\*\./, '').replace(/\.$/, '');
  return domains.some((d) => n === d || n.endsWith(`.${d}`));
}

/** Registrable domain of a certificate name (PSL ICANN section; wildcard label dropped), or null. */
export function registrableOfName(name: string): string | null {
  const n = name.replace(/^\*\./, '').replace(/\.$/, '');
  return getDomain(n, { allowPrivateDomains: false, extractHostname: false, validateHostname: false });
}

/** Lower-cased site domains without trailing dots (the site file may write either). */
export function normaliseDomains(domains: readonly string[]): string[] {
  return [...new Set(domains.map((d) => d.toLowerCase().replace(/\.$/, '')))];
}
