// Builds the TLS knowledge tables from the upstream files and renders them as TypeScript modules whose header
// names each source, its version and the sha256 of the copy read. Pure: same inputs, same bytes out.
import { createHash } from 'node:crypto';
import type { CipherSuiteFacts, CurveFacts, MozillaConfigName, MozillaConfigurationFacts, TableSource, ZeekVersionFacts } from '../facts.ts';
import { parseGroupName } from '../group-name.ts';
import { parseSuiteName, type SuiteDecomposition } from '../suite-name.ts';
import { isGrease, readIanaCipherSuites, readIanaGroups, readMozillaGuidelines, readZeekConsts, type IanaEntry } from './upstream.ts';

export interface UpstreamTexts {
  ianaSuitesCsv: string;
  ianaGroupsCsv: string;
  zeekConsts: string;
  mozillaJson: string;
}

/** What the generator cannot read from the files themselves: where each copy came from, and version notes. */
export interface Provenance {
  ianaSuites?: { copy?: string; note?: string };
  ianaGroups?: { copy?: string; note?: string };
  zeekConsts?: { copy?: string; version?: string };
  mozilla?: { copy?: string };
}

export interface TlsTables {
  suites: CipherSuiteFacts[];
  curves: CurveFacts[];
  mozilla: { version: string; href: string; configurations: Record<MozillaConfigName, MozillaConfigurationFacts> };
  versions: ZeekVersionFacts[];
  /** Facts worth a human look: code points where Zeek and IANA disagree on what the name says. */
  notes: string[];
}

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

function newestRfc(csv: string): string {
  let best = 0;
  for (const m of csv.matchAll(/\[RFC(\d+)\]/g)) best = Math.max(best, Number(m[1]));
  return best > 0 ? `RFC ${best}` : 'none';
}

function sameDecomposition(a: SuiteDecomposition, b: SuiteDecomposition): string[] {
  return (Object.keys(a) as (keyof SuiteDecomposition)[]).filter((k) => a[k] !== b[k]).map((k) => `${k} ${String(a[k])} vs ${String(b[k])}`);
}

const hex = (code: number): string => `0x${code.toString(16).toUpperCase().padStart(code > 0xffff ? 6 : 4, '0')}`;

function buildSuites(iana: IanaEntry[], zeek: { code: number; name: string }[], notes: string[]): CipherSuiteFacts[] {
  const byCode = new Map<number, { iana?: IanaEntry; zeek?: string }>();
  for (const e of iana) byCode.set(e.code, { iana: e });
  for (const z of zeek) {
    const slot = byCode.get(z.code) ?? {};
    if (slot.zeek !== undefined) throw new Error(`consts.zeek names cipher ${hex(z.code)} twice`);
    slot.zeek = z.name;
    byCode.set(z.code, slot);
  }
  const rows: CipherSuiteFacts[] = [];
  for (const [code, slot] of [...byCode].sort((a, b) => a[0] - b[0])) {
    const grease = isGrease(code);
    const ianaName = slot.iana && !grease ? slot.iana.description : null;
    if (slot.iana && !grease && slot.iana.description === 'Reserved') continue; // reserved, never negotiated
    const parsedIana = ianaName ? parseSuiteName(ianaName) : null;
    const parsedZeek = slot.zeek ? parseSuiteName(slot.zeek) : null;
    if (ianaName && !parsedIana) throw new Error(`cannot decompose IANA suite ${hex(code)} ${ianaName}`);
    if (slot.zeek && !parsedZeek) throw new Error(`cannot decompose Zeek suite ${hex(code)} ${slot.zeek}`);
    const parsed = parsedIana ?? parsedZeek;
    const kind = grease ? 'grease' : (parsed?.kind ?? 'suite');
    if (parsedIana?.kind === 'suite' && parsedZeek?.kind === 'suite') {
      const diff = sameDecomposition(parsedIana.decomposition, parsedZeek.decomposition);
      if (diff.length > 0) notes.push(`${hex(code)}: IANA ${ianaName} and Zeek ${slot.zeek} differ in ${diff.join(', ')}; the IANA reading is kept`);
    }
    rows.push({
      code,
      iana: ianaName,
      zeek: slot.zeek ?? null,
      recommended: slot.iana?.recommended ?? null,
      dtlsOk: slot.iana?.dtlsOk ?? null,
      reference: slot.iana?.reference || null,
      kind,
      suite: parsed?.kind === 'suite' ? parsed.decomposition : null,
    });
  }
  return rows;
}

function buildCurves(iana: IanaEntry[], zeek: { code: number; name: string }[]): CurveFacts[] {
  const byCode = new Map<number, { iana?: IanaEntry; zeek?: string }>();
  for (const e of iana) {
    if (e.description === 'Reserved' && !isGrease(e.code)) continue; // value 0
    byCode.set(e.code, { iana: e });
  }
  for (const z of zeek) {
    const slot = byCode.get(z.code) ?? {};
    slot.zeek = z.name;
    byCode.set(z.code, slot);
  }
  const rows: CurveFacts[] = [];
  for (const [code, slot] of [...byCode].sort((a, b) => a[0] - b[0])) {
    const grease = isGrease(code);
    const obsoleteMark = / \(OBSOLETE\)$/;
    const ianaName = slot.iana && !grease ? slot.iana.description.replace(obsoleteMark, '') : null;
    const name = ianaName ?? slot.zeek;
    const parsed = grease ? ({ kind: 'grease' } as const) : name ? parseGroupName(name) : null;
    if (!parsed) throw new Error(`cannot read group ${code} ${name ?? ''}`);
    if (slot.zeek && !grease && ianaName && slot.zeek !== ianaName) throw new Error(`group ${code}: Zeek ${slot.zeek} vs IANA ${ianaName}`);
    rows.push({
      code,
      iana: ianaName,
      zeek: slot.zeek ?? null,
      recommended: slot.iana?.recommended ?? null,
      dtlsOk: slot.iana?.dtlsOk ?? null,
      obsolete: slot.iana ? obsoleteMark.test(slot.iana.description) : false,
      reference: slot.iana?.reference || null,
      kind: parsed.kind,
      group: parsed.kind === 'group' ? parsed.decomposition : null,
    });
  }
  return rows;
}

export function buildTlsTables(texts: UpstreamTexts): TlsTables {
  const notes: string[] = [];
  const zeek = readZeekConsts(texts.zeekConsts);
  const suites = buildSuites(readIanaCipherSuites(texts.ianaSuitesCsv), zeek.ciphers, notes);
  const curves = buildCurves(readIanaGroups(texts.ianaGroupsCsv), zeek.curves);
  const guidelines = readMozillaGuidelines(texts.mozillaJson);
  const codeOf = new Map<string, number>();
  for (const s of suites) {
    if (s.iana) codeOf.set(s.iana, s.code);
    if (s.zeek && !codeOf.has(s.zeek)) codeOf.set(s.zeek, s.code);
  }
  const configurations = {} as Record<MozillaConfigName, MozillaConfigurationFacts>;
  for (const name of ['modern', 'intermediate', 'old'] as const) {
    const c = guidelines.configurations[name];
    configurations[name] = {
      tlsVersions: c.tlsVersions,
      suites: c.suites.map((suite) => {
        const code = codeOf.get(suite);
        if (code === undefined) throw new Error(`Mozilla ${name} lists ${suite}, which is in neither the IANA registry nor Zeek`);
        return { code, name: suite };
      }),
      curves: c.curves,
    };
  }
  return { suites, curves, mozilla: { version: guidelines.version, href: guidelines.href, configurations }, versions: zeek.versions, notes };
}

/** TypeScript literal with unquoted keys; code points print as hex. */
function lit(value: unknown, key = ''): string {
  if (value === null || typeof value === 'boolean') return String(value);
  if (typeof value === 'number') return key === 'code' ? hex(value) : String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => lit(v)).join(', ')}]`;
  const entries = Object.entries(value as Record<string, unknown>).map(([k, v]) => `${k}: ${lit(v, k)}`);
  return `{ ${entries.join(', ')} }`;
}

const REGENERATE = [
  '// Do not edit. Regenerate (or verify with --check) from the upstream copies:',
  '//   node --import tsx scripts/gen-tls-tables.ts --iana-suites tls-parameters-4.csv --iana-groups tls-parameters-8.csv \\',
  '//     --zeek-consts consts.zeek --mozilla 5.8.json [--provenance provenance.json] [--check]',
];

function header(what: string, sources: TableSource[]): string {
  const lines = [`// Generated by scripts/gen-tls-tables.ts: ${what}.`, ...REGENERATE, '// Sources:'];
  for (const s of sources) {
    lines.push(`//   - ${s.title} <${s.url}>`, `//     version: ${s.version}`);
    lines.push(`//     copy read: ${s.copy ?? 'origin not recorded'}; sha256 ${s.sha256}`);
  }
  return lines.join('\n');
}

function sourcesConst(name: string, sources: TableSource[]): string {
  return `export const ${name}: readonly TableSource[] = [\n${sources.map((s) => `  ${lit(s)},`).join('\n')}\n];`;
}

export function tableSources(texts: UpstreamTexts, prov: Provenance, mozillaVersion: string, mozillaHref: string): Record<'ianaSuites' | 'ianaGroups' | 'zeek' | 'mozilla', TableSource> {
  const withNote = (auto: string, note?: string): string => (note ? `${auto}; ${note}` : auto);
  return {
    ianaSuites: {
      title: 'IANA TLS Cipher Suites registry (tls-parameters-4)',
      url: 'https://www.iana.org/assignments/tls-parameters/tls-parameters-4.csv',
      copy: prov.ianaSuites?.copy ?? null,
      version: withNote(`the CSV carries no Last-Updated date; newest RFC it cites: ${newestRfc(texts.ianaSuitesCsv)}`, prov.ianaSuites?.note),
      sha256: sha256(texts.ianaSuitesCsv),
    },
    ianaGroups: {
      title: 'IANA TLS Supported Groups registry (tls-parameters-8)',
      url: 'https://www.iana.org/assignments/tls-parameters/tls-parameters-8.csv',
      copy: prov.ianaGroups?.copy ?? null,
      version: withNote(`the CSV carries no Last-Updated date; newest RFC it cites: ${newestRfc(texts.ianaGroupsCsv)}`, prov.ianaGroups?.note),
      sha256: sha256(texts.ianaGroupsCsv),
    },
    zeek: {
      title: "Zeek scripts/base/protocols/ssl/consts.zeek (SSL::version_strings, SSL::cipher_desc, SSL::ec_curves)",
      url: 'https://github.com/zeek/zeek/blob/master/scripts/base/protocols/ssl/consts.zeek',
      copy: prov.zeekConsts?.copy ?? null,
      version: prov.zeekConsts?.version ?? 'not recorded (consts.zeek carries no version)',
      sha256: sha256(texts.zeekConsts),
    },
    mozilla: {
      title: 'Mozilla server-side TLS guidelines (ssl-config-generator)',
      url: mozillaHref || 'https://ssl-config.mozilla.org/guidelines/',
      copy: prov.mozilla?.copy ?? null,
      version: `guidelines version ${mozillaVersion}`,
      sha256: sha256(texts.mozillaJson),
    },
  };
}

export type GeneratedFileName = 'cipher-suites.ts' | 'curves.ts' | 'mozilla-tiers.ts' | 'zeek-versions.ts';

export function renderTlsTables(texts: UpstreamTexts, prov: Provenance = {}): { files: Record<GeneratedFileName, string>; tables: TlsTables } {
  const t = buildTlsTables(texts);
  const src = tableSources(texts, prov, t.mozilla.version, t.mozilla.href);
  const imp = (types: string): string => `import type { ${types} } from '../facts.ts';`;
  const noteLines = t.notes.map((n) => `// ${n}`);

  const suites = [
    header('every TLS cipher-suite code point IANA assigns or Zeek names, decomposed', [src.ianaSuites, src.zeek]),
    imp('CipherSuiteFacts, TableSource'), '',
    sourcesConst('CIPHER_SUITES_SOURCES', [src.ianaSuites, src.zeek]), '',
    ...(noteLines.length > 0 ? ['// Where Zeek and IANA names disagree on what they say:', ...noteLines] : []),
    'export const CIPHER_SUITES: readonly CipherSuiteFacts[] = [',
    ...t.suites.map((r) => `  ${lit(r)},`),
    '];', '',
  ].join('\n');

  const curves = [
    header('TLS named groups ("curves") as Zeek logs them, with the IANA flags', [src.ianaGroups, src.zeek]),
    imp('CurveFacts, TableSource'), '',
    sourcesConst('CURVES_SOURCES', [src.ianaGroups, src.zeek]), '',
    'export const CURVES: readonly CurveFacts[] = [',
    ...t.curves.map((r) => `  ${lit(r)},`),
    '];', '',
  ].join('\n');

  const mozillaEntries = (['modern', 'intermediate', 'old'] as const).map((name) => {
    const c = t.mozilla.configurations[name];
    return [
      `  ${name}: {`,
      `    tlsVersions: ${lit(c.tlsVersions)},`,
      `    suites: [`,
      ...c.suites.map((s) => `      ${lit(s)},`),
      `    ],`,
      `    curves: ${lit(c.curves)},`,
      `  },`,
    ].join('\n');
  });
  const mozilla = [
    header(`Mozilla server-side TLS configurations (guidelines ${t.mozilla.version})`, [src.mozilla]),
    imp('MozillaConfigName, MozillaConfigurationFacts, TableSource'), '',
    sourcesConst('MOZILLA_SOURCES', [src.mozilla]), '',
    `export const MOZILLA_GUIDELINES_VERSION = ${lit(t.mozilla.version)};`, '',
    'export const MOZILLA_CONFIGURATIONS: Readonly<Record<MozillaConfigName, MozillaConfigurationFacts>> = {',
    ...mozillaEntries,
    '};', '',
  ].join('\n');

  const versions = [
    header("the version strings Zeek's SSL::version_strings names (drafts and unknown-N come from its &default, see versions.ts)", [src.zeek]),
    imp('TableSource, ZeekVersionFacts'), '',
    sourcesConst('ZEEK_VERSIONS_SOURCES', [src.zeek]), '',
    'export const ZEEK_VERSIONS: readonly ZeekVersionFacts[] = [',
    ...t.versions.map((v) => `  ${lit(v)},`),
    '];', '',
  ].join('\n');

  return { files: { 'cipher-suites.ts': suites, 'curves.ts': curves, 'mozilla-tiers.ts': mozilla, 'zeek-versions.ts': versions }, tables: t };
}
