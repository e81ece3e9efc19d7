// Plain indicator lists and hosts files: one domain, address, CIDR network, `ip:port` or URL per line
// (`#`, `;` and `!` comments; a trailing ` # comment` too), or hosts-file lines `0.0.0.0 bad.example [more…]`.
import { parseAddress } from '../ip.ts';
import { ParseCollector, eachDataLine } from '../text.ts';
import type { ParseResult } from '../types.ts';
import { indicator, urlHostIndicator } from './indicator.ts';

// Standard entries of every hosts file, not indicators (from the default /etc/hosts of common systems and
// the preambles of published blocklists).
const HOSTS_BOILERPLATE = new Set([
  'localhost',
  'localhost.localdomain',
  'local',
  'broadcasthost',
  'ip6-localhost',
  'ip6-loopback',
  'ip6-localnet',
  'ip6-mcastprefix',
  'ip6-allnodes',
  'ip6-allrouters',
  'ip6-allhosts',
  '0.0.0.0',
]);

// A first line naming the column, as in a one-column CSV export.
const HEADER_WORDS = new Set(['domain', 'domains', 'host', 'hostname', 'ip', 'ip_address', 'address', 'indicator', 'ioc', 'url', 'dst_ip']);

export function parsePlainList(lines: readonly string[]): ParseResult {
  const out = new ParseCollector('plain-list');
  let first = true;
  eachDataLine(lines, out, ['#', ';', '!'], (raw, no) => {
    const isFirst = first;
    first = false;
    const hash = raw.search(/\s#/);
    const line = hash >= 0 ? raw.slice(0, hash).trim() : raw;
    const tokens = line.split(/\s+/);
    if (tokens.length === 1) {
      const t = tokens[0]!;
      if (isFirst && HEADER_WORDS.has(t.toLowerCase().replace(/"/g, ''))) return;
      const r = t.includes('://') ? urlHostIndicator(t) : indicator(t);
      if (!r.ok) return out.reject(no, r.reason, raw);
      out.result.entries.push(r.entry);
      return;
    }
    // hosts file: the address is where the name would be sent (a sink such as 0.0.0.0), not an indicator
    if (!parseAddress(tokens[0]!)) return out.reject(no, 'expected one name per line or `address name…`', raw);
    for (const name of tokens.slice(1)) {
      if (HOSTS_BOILERPLATE.has(name.toLowerCase())) {
        out.ignore();
        continue;
      }
      const r = indicator(name);
      if (!r.ok) {
        out.reject(no, r.reason, raw);
        continue;
      }
      out.result.entries.push(r.entry);
    }
  });
  return out.result;
}
