// `dhai report --db FILE --out DIR`: run the analyses over the store and write report.html, report.json, one CSV
// per table, findings.jsonl and (with --previous) changes.json; exit 1 with --fail-on when a finding reaches
// that severity.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, Option } from 'commander';
import type { Finding } from '../analyses/types.ts';
import { EMPTY_SITE, loadSite } from '../config/site.ts';
import { ctLookupSettings } from '../intel/ct-online.ts';
import { withGeoIp } from '../geoip/geoip.ts';
import { loadBaseline } from '../report/baseline.ts';
import { buildReport } from '../report/build.ts';
import { compareReports, readPreviousReport } from '../report/changes.ts';
import { parseBound } from '../report/window.ts';
import { writeReport } from '../report/write.ts';
import { openStore } from '../store/store.ts';
import { UsageError } from '../util/errors.ts';
import { safeText } from '../util/terminal.ts';

export { parseBound };
import type { Runner } from './main.ts';
import { checkStoreKey, KEY_FILE_HELP, siteForStore } from './store-key.ts';

// cli.md exit codes (as EXIT in main.ts; not imported from there: main.ts imports this file)
const EXIT = { ok: 0, problems: 1 } as const;

interface ReportFlags {
  db: string;
  out: string;
  site?: string;
  baseline?: string;
  from?: string;
  to?: string;
  previous?: string;
  roots?: string;
  geoip?: string;
  ctLookup?: string | true;
  keyFile?: string;
  failOn?: Finding['severity'];
}

const SEVERITIES: Finding['severity'][] = ['critical', 'high', 'medium', 'low', 'info'];
const SHIPPED_BASELINES = fileURLToPath(new URL('../../baselines/', import.meta.url));

/** A baseline file, or the name of one shipped with dhai (`--baseline paper`). */
export function resolveBaseline(arg: string): string {
  if (existsSync(arg) || !/^[a-z0-9-]+$/.test(arg)) return arg;
  const shipped = path.join(SHIPPED_BASELINES, `${arg}.json`);
  return existsSync(shipped) ? shipped : arg;
}

/** The findings at `severity` or worse (what --fail-on counts). */
export function atOrAbove(findings: readonly Finding[], severity: Finding['severity']): Finding[] {
  const limit = SEVERITIES.indexOf(severity);
  return findings.filter((f) => SEVERITIES.indexOf(f.severity) <= limit);
}

/** Where the command prints (tests pass their own). */
export interface ReportIo {
  out: (s: string) => void;
  err: (s: string) => void;
}

const STDIO: ReportIo = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) };

export function registerReport(program: Command, run: Runner, io: ReportIo = STDIO): void {
  program
    .command('report')
    .description('run the analyses and write report.html, report.json, one CSV per table and findings.jsonl')
    .requiredOption('--db <file>', 'the store (opened read-only)')
    .requiredOption('--out <dir>', 'directory to write the report into (created if missing)')
    .option('--site <file>', 'site configuration: internal networks, device classes, own domains, internal CAs')
    .option('--baseline <file>', 'comparison baseline (JSON in the Baseline shape), or "paper" for the D-HAI figures shipped with dhai')
    .option('--from <date>', 'first day or instant to include (UTC)')
    .option('--to <date>', 'last day to include (a day includes all of it), or the instant to stop before (UTC)')
    .option('--previous <dir>', 'an earlier report directory: show new and resolved findings and changed metrics')
    .option('--roots <file>', "PEM root store to verify certificates against (default: Node's Mozilla store), e.g. one of the capture's era")
    .option('--geoip <file>', "MaxMind GeoIP2/GeoLite2 Country or City database (.mmdb): countries of exposed services' peers (dhai never downloads one; overrides the site's geoip.database)")
    .option('--ct-lookup [provider]', 'look certificates with no other CT evidence up online by SHA-256 (crtsh, a crt.sh-compatible base URL, or a URL template with {sha256}; default: the site\'s ct_lookup.provider, else crtsh); answers are cached in the store, which is then opened for writing')
    .option('--key-file <file>', KEY_FILE_HELP)
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding of this severity or worse exists').choices(SEVERITIES))
    .action(run(async (flags: ReportFlags) => {
      const from = flags.from ? parseBound(flags.from, '--from') : undefined;
      const to = flags.to ? parseBound(flags.to, '--to') : undefined;
      if (from && to && from >= to) throw new UsageError(`--from (${from.toISOString()}) must be before --to (${to.toISOString()})`);
      const site = withGeoIp(flags.site ? loadSite(flags.site) : undefined, flags.geoip);
      if (flags.roots && !existsSync(flags.roots)) throw new UsageError(`--roots: no such file ${flags.roots}`);
      const ctLookup = flags.ctLookup === undefined ? undefined : ctLookupSettings(site ?? EMPTY_SITE, flags.ctLookup);
      if (ctLookup && !existsSync(flags.db)) throw new UsageError(`no store at ${flags.db} (run dhai ingest first)`);
      const siteSha256 = flags.site ? createHash('sha256').update(readFileSync(flags.site)).digest('hex') : null;
      const baseline = flags.baseline ? loadBaseline(resolveBaseline(flags.baseline)) : undefined;
      // read before writing: --previous may be the --out directory itself
      const previous = flags.previous ? readPreviousReport(flags.previous) : undefined;

      const k = await checkStoreKey('dhai report', flags.db, flags.keyFile);
      // the store checks the key against its record too (and a read-only open refuses a pseudonymised store without one)
      const store = await openStore(flags.db, { readOnly: ctLookup === undefined, pseudonymKey: k.key });
      let built;
      try {
        // a pseudonymised store holds the site's networks and names as pseudonyms: the analyses look for those
        const analysisSite = siteForStore(site, { ...k, record: store.pseudonymisation }, io.err);
        built = await buildReport({ conn: store.conn, site: analysisSite, siteSha256, baseline, window: { from, to }, certs: flags.roots || ctLookup ? { rootsFile: flags.roots, ctLookup } : undefined });
      } finally {
        await store.close();
      }
      const changes = previous ? compareReports(previous, built.json) : undefined;
      const written = writeReport(flags.out, built, { siteName: site?.name, changes });

      const j = built.json;
      const out: string[] = [];
      for (const id of built.order) {
        const s = j.sections[id]!;
        out.push(s.status === 'ok' ? `  ${id}: ok` : `  ${id}: not available (needs ${s.needs.map(safeText).join('; ')})${s.error ? `: ${safeText(s.error)}` : ''}`);
      }
      const bySeverity = SEVERITIES.map((sev) => [sev, j.findings.filter((f) => f.severity === sev).length] as const).filter(([, n]) => n > 0);
      out.push(`findings: ${j.findings.length}${bySeverity.length ? ` (${bySeverity.map(([s, n]) => `${n} ${s}`).join(', ')})` : ''}`);
      if (changes) out.push(`since the previous report: ${changes.findings.new.length} new, ${changes.findings.resolved.length} resolved, ${changes.metrics.length} metrics changed`);
      out.push(`report: ${safeText(path.resolve(written.html))}`);
      io.out(`${out.join('\n')}\n`);

      if (flags.failOn) {
        const worst = atOrAbove(j.findings, flags.failOn);
        if (worst.length > 0) {
          io.err(`dhai: ${worst.length} finding(s) at or above ${flags.failOn} (--fail-on)\n`);
          return EXIT.problems;
        }
      }
      return EXIT.ok;
    }));
}
