// Names for the fictional parts of the world. All of them end in `.example` (RFC 2606), so a simulated
// report can never point at a real organisation: the long tail of websites, advertising-technology hosts,
// medical cloud vendors, private CAs, and the botnet / blacklisted names (which mimic the random labels of
// domain-generation algorithms).
import type { Rng } from '../rng.ts';

const ONSETS = ['b', 'c', 'd', 'f', 'g', 'l', 'm', 'n', 'p', 'r', 's', 't', 'v', 'z', 'br', 'cl', 'dr', 'gr', 'pl', 'tr', 'st', 'qu', 'kr', 'th'];
const VOWELS = ['a', 'e', 'i', 'o', 'u', 'ai', 'ea', 'io', 'ou'];
const CODAS = ['', '', '', 'n', 'r', 'l', 's', 'x', 'm', 'nt', 'rk', 'st'];

export const FICTIONAL_TLD = 'example';

/** A pronounceable made-up word of 2 to 4 syllables. */
export function word(rng: Rng): string {
  const n = rng.int(2, 4);
  let w = '';
  for (let i = 0; i < n; i++) w += rng.pick(ONSETS) + rng.pick(VOWELS) + (i === n - 1 ? rng.pick(CODAS) : '');
  return w;
}

const SITE_SUFFIXES = ['', '', '', '-news', '-online', '-shop', '-health', '-media', '-app', '-cloud', '-hub', 'ly', '-net', '-tech'];

/** Distinct names, never repeating one already handed out by this generator. */
export class NameSource {
  private readonly taken = new Set<string>();

  constructor(private readonly rng: Rng) {}

  reserve(name: string): void {
    this.taken.add(name);
  }

  private unique(make: () => string): string {
    for (;;) {
      const n = make();
      if (!this.taken.has(n)) {
        this.taken.add(n);
        return n;
      }
    }
  }

  site(): string {
    return this.unique(() => `${word(this.rng)}${this.rng.pick(SITE_SUFFIXES)}.${FICTIONAL_TLD}`);
  }

  vendor(): { label: string; org: string } {
    const base = word(this.rng);
    const label = this.unique(() => `${base}${this.rng.pick(['med', '-medical', 'health', '-imaging', 'care', '-diagnostics'])}`);
    const org = `${label.replace(/-/g, ' ').replace(/\b[a-z]/g, (c) => c.toUpperCase())} Inc.`;
    return { label, org };
  }

  /** A DGA-looking registrable name: 10 to 16 random letters and digits. */
  dga(): string {
    const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
    return this.unique(() => {
      const len = this.rng.int(10, 16);
      let s = '';
      for (let i = 0; i < len; i++) s += alphabet[this.rng.int(0, alphabet.length - 1)];
      return `${s}.${FICTIONAL_TLD}`;
    });
  }

  org(): string {
    return this.unique(() => {
      const w = word(this.rng);
      return `${w.charAt(0).toUpperCase()}${w.slice(1)} ${this.rng.pick(['Systems', 'Networks', 'Labs', 'Solutions', 'Group', 'Technologies'])}`;
    });
  }
}

/** Common host labels in front of a registrable domain. */
export const HOST_PREFIXES = [
  'www', 'api', 'cdn', 'static', 'img', 'login', 'auth', 'accounts', 'update', 'download', 'telemetry', 'events',
  'assets', 'media', 'ws', 'push', 'mail', 'm', 'support', 'docs', 'edge', 'content', 'clients', 's', 'i',
  'metrics', 'config', 'sync', 'video', 'apps',
];
