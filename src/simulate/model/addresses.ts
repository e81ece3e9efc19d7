// IPv4 addresses for the simulated world: the hospital's subnets, and external addresses handed out once
// each so that no two simulated parties share one (a benign service must never answer with a botnet
// address, or the ground truth and the analyses would disagree for reasons that are not theirs).

export function ipToInt(ip: string): number {
  const p = ip.split('.');
  return ((Number(p[0]) << 24) | (Number(p[1]) << 16) | (Number(p[2]) << 8) | Number(p[3])) >>> 0;
}

export function intToIp(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

export interface Cidr {
  base: number;
  bits: number;
  text: string;
}

export function parseCidr(text: string): Cidr {
  const [ip, bits] = text.split('/');
  const b = Number(bits);
  const mask = b === 0 ? 0 : (0xffffffff << (32 - b)) >>> 0;
  return { base: (ipToInt(ip!) & mask) >>> 0, bits: b, text };
}

export function cidrContains(c: Cidr, ip: number): boolean {
  const mask = c.bits === 0 ? 0 : (0xffffffff << (32 - c.bits)) >>> 0;
  return ((ip & mask) >>> 0) === c.base;
}

/** The in-addr.arpa name of an address (PTR queries). */
export function reverseName(ip: string): string {
  return `${ip.split('.').reverse().join('.')}.in-addr.arpa`;
}

// First octets of unicast space allocated to the regional registries; 10, 100 (carrier NAT), 127, 169,
// 172, 192, 198 and 203 are left out wholesale so that no private or special-purpose range is ever used.
const PUBLIC_FIRST_OCTETS = [
  12, 13, 18, 20, 23, 24, 31, 34, 35, 37, 38, 40, 45, 46, 47, 50, 52, 54, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71,
  72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 93, 94, 95, 96, 97, 98, 99, 104,
  107, 108, 109, 128, 129, 130, 131, 134, 136, 137, 138, 139, 140, 141, 142, 143, 144, 146, 147, 148, 149, 151,
  152, 154, 155, 157, 158, 159, 160, 161, 162, 163, 164, 165, 166, 167, 168, 170, 173, 174, 176, 178, 184, 185,
  188, 190, 193, 194, 195, 199, 204, 205, 206, 207, 208, 209, 212, 213, 216, 217,
];

/** RFC 5737 documentation networks: the only addresses the simulated botnet and blocklist feeds list. */
const DOC_NETS = [ipToInt('198.51.100.0'), ipToInt('203.0.113.0')];

export class AddressBook {
  private readonly used = new Set<number>();
  private docNext = 0;

  constructor(
    private readonly u32: () => number,
    reserved: readonly string[],
  ) {
    for (const r of reserved) this.used.add(ipToInt(r));
  }

  /** A fresh public address; `block` (a /24 base) keeps a service's addresses together. */
  external(block?: number): string {
    for (;;) {
      let n: number;
      if (block !== undefined) n = (block | (1 + (this.u32() % 253))) >>> 0;
      else {
        const first = PUBLIC_FIRST_OCTETS[this.u32() % PUBLIC_FIRST_OCTETS.length]!;
        n = ((first << 24) | (this.u32() & 0xffff00) | (1 + (this.u32() % 253))) >>> 0;
      }
      if (!this.used.has(n)) {
        this.used.add(n);
        return intToIp(n);
      }
      // a full /24 falls back to anywhere
      if (block !== undefined && this.u32() % 64 === 0) block = undefined;
    }
  }

  /** A /24 base for a service that owns several addresses. */
  block(): number {
    const first = PUBLIC_FIRST_OCTETS[this.u32() % PUBLIC_FIRST_OCTETS.length]!;
    return ((first << 24) | (this.u32() & 0xffff00)) >>> 0;
  }

  /** A whole /24 nobody else will be given an address in (a vendor's network); returns its base. */
  reserveBlock(): number {
    for (;;) {
      const base = this.block();
      let free = true;
      for (let i = 0; i < 256 && free; i++) free = !this.used.has(base + i);
      if (!free) continue;
      for (let i = 0; i < 256; i++) this.used.add(base + i);
      return base;
    }
  }

  /** The next documentation address (threat infrastructure). */
  documentation(): string {
    const net = DOC_NETS[Math.floor(this.docNext / 254) % DOC_NETS.length]!;
    const host = 1 + (this.docNext % 254);
    this.docNext++;
    if (this.docNext > 2 * 254) throw new Error('more threat addresses than the documentation networks hold');
    return intToIp(net + host);
  }
}
