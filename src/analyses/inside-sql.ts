// "Inside the hospital" as a SQL expression over an address column, so that a pass over a large log can tell
// directions apart row by row without first collecting the distinct addresses (which costs a scan of its own).
// IPv4 prefixes become string tests on Zeek's canonical dotted quads: whole octets as a `starts_with` prefix, a
// partial octet as a range on that octet. IPv6 text has no canonical prefix form (zero compression), so rows
// with an IPv6 end are left undecided (NULL) when the site lists IPv6 prefixes, and are classified afterwards
// on their distinct addresses (site-context.ts); with no IPv6 prefix configured an IPv6 address is outside.
import type { Site } from '../config/site.ts';
import { maskBytes, parseNetwork, type Network } from '../privacy/addresses.ts';

function v4Test(col: string, n: Network): string {
  const b = [...n.bytes];
  const whole = Math.floor(n.prefix / 8);
  const rem = n.prefix % 8;
  if (whole === 4) return `${col} = '${b.join('.')}'`;
  const parts: string[] = [];
  // octets are numbers from parseNetwork: the literals hold only digits and dots
  if (whole > 0) parts.push(`starts_with(${col}, '${b.slice(0, whole).join('.')}.')`);
  if (rem > 0) {
    const size = 1 << (8 - rem);
    const lo = b[whole]!;
    if (whole > 0 && size <= 16) {
      // up to 16 values of the next octet: string prefixes are far cheaper than splitting every address
      const head = b.slice(0, whole).join('.');
      // the last octet is matched whole, any other as a prefix ending in its dot
      const one = (v: number) => (whole === 3 ? `${col} = '${head}.${v}'` : `starts_with(${col}, '${head}.${v}.')`);
      return `(${Array.from({ length: size }, (_, i) => one(lo + i)).join(' OR ')})`;
    }
    parts.push(`TRY_CAST(split_part(${col}, '.', ${whole + 1}) AS INTEGER) BETWEEN ${lo} AND ${lo + size - 1}`);
  }
  return parts.length ? `(${parts.join(' AND ')})` : 'true';
}

export interface InsideSql {
  /** SQL boolean: the address is inside (IPv4 networks and device-class subnets); NULL = an IPv6 address to decide later */
  inside(col: string): string;
  /** the site lists IPv6 prefixes, so IPv6 addresses are decided afterwards */
  deferV6: boolean;
  /** the site lists internal networks (else Zeek's local_orig/local_resp decide outside the class subnets) */
  hasNetworks: boolean;
}

function covers(outer: Network, inner: Network): boolean {
  if (outer.family !== inner.family || outer.prefix > inner.prefix) return false;
  const m = maskBytes(Uint8Array.from(inner.bytes), outer.prefix); // maskBytes works in place
  return m.every((b, i) => b === outer.bytes[i]);
}

/** The prefixes without those another one already covers (device-class subnets usually lie in the internal networks). */
export function outermost(nets: Network[]): Network[] {
  return nets.filter((n, i) => !nets.some((o, j) => j !== i && covers(o, n) && (o.prefix < n.prefix || j < i)));
}

/** Inside = in a `networks.internal` prefix or a device-class subnet (as site-context.ts's classifyAddresses). */
export function insideSql(site: Site): InsideSql {
  // every test is evaluated on every row of a large log: drop the redundant ones
  const nets = outermost([...site.networks.internal, ...site.device_classes.flatMap((c) => c.subnets)]
    .map((s) => parseNetwork(s.includes('/') ? s : `${s}/${s.includes(':') ? 128 : 32}`)));
  const v4 = nets.filter((n) => n.family === 4);
  const deferV6 = nets.some((n) => n.family === 6);
  return {
    deferV6,
    hasNetworks: site.networks.internal.length > 0,
    inside(col: string): string {
      const tests = v4.length ? v4.map((n) => v4Test(col, n)).join(' OR ') : 'false';
      if (deferV6) return `(CASE WHEN contains(${col}, ':') THEN NULL ELSE (${tests}) END)`;
      // a test that starts with a whole octet can never match IPv6 text; only a /0–/7 network needs the guard
      return v4.some((n) => n.prefix < 8) ? `(NOT contains(${col}, ':') AND (${tests}))` : `(${tests})`;
    },
  };
}
