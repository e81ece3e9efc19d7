// Look up ssl.log `curve` (the negotiated named group) and say whether the key exchange was post-quantum.
import type { CurveFacts } from './facts.ts';
import { CURVES } from './generated/curves.ts';

export interface CurveInfo extends CurveFacts {
  /** The name Zeek logs, else the IANA name. */
  name: string;
  postQuantum: boolean;
  hybrid: boolean;
}

const ALL: readonly CurveInfo[] = CURVES.map((c) => ({
  ...c,
  name: c.zeek ?? c.iana ?? `unknown-${c.code}`,
  postQuantum: c.group?.postQuantum ?? false,
  hybrid: c.group?.hybrid ?? false,
}));
const byCode = new Map(ALL.map((c) => [c.code, c]));
const byFolded = new Map<string, CurveInfo>();
for (const c of ALL) for (const n of [c.zeek, c.iana]) if (n) byFolded.set(n.toLowerCase(), c);

export function allCurves(): readonly CurveInfo[] {
  return ALL;
}

export function curveByCode(code: number): CurveInfo | null {
  return byCode.get(code) ?? null;
}

/** The table entry for a logged curve (case-insensitive; `unknown-<code>` by code); null when unknown. */
export function lookupCurve(logged: string): CurveInfo | null {
  const name = logged.trim();
  const hit = byFolded.get(name.toLowerCase());
  if (hit) return hit;
  const unknown = /^unknown-(\d+)$/.exec(name);
  return unknown ? curveByCode(Number(unknown[1])) : null;
}
