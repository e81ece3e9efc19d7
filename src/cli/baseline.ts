// `dhai baseline export --db FILE --out FILE`: the metrics of this store (every section the report can compute)
// as a Baseline file that another hospital's report compares against (`dhai report --baseline FILE`).
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { Baseline, Metric, SectionId } from '../analyses/types.ts';
import { loadSite, type Site } from '../config/site.ts';
import { parseBaseline } from '../report/baseline.ts';
import { buildReport } from '../report/build.ts';
import { parseBound } from '../report/window.ts';
import { openStore } from '../store/store.ts';
import type { DuckDBConnection } from '@duckdb/node-api';
import { UsageError } from '../util/errors.ts';
import type { Runner } from './main.ts';
import { checkStoreKey, KEY_FILE_HELP, siteForStore } from './store-key.ts';

interface ExportFlags {
  db: string;
  out: string;
  site?: string;
  from?: string;
  to?: string;
  name?: string;
  source?: string;
  keyFile?: string;
}

export interface ExportOptions {
  conn: DuckDBConnection;
  site?: Site;
  window?: { from?: Date; to?: Date };
  name: string;
  source: string;
}

/** Run the analyses and keep the metrics of every section that was computed ("not available" ones are left out). */
export async function exportBaseline(opts: ExportOptions): Promise<Baseline> {
  const built = await buildReport({ conn: opts.conn, site: opts.site, window: opts.window ?? {} });
  const sections: Partial<Record<SectionId, Record<string, Metric>>> = {};
  for (const id of built.order) {
    const s = built.json.sections[id];
    if (s && s.status === 'ok' && Object.keys(s.metrics).length > 0) sections[id] = s.metrics;
  }
  const baseline: Baseline = { name: opts.name, source: opts.source, sections };
  // the file must load as a baseline: check it the way `dhai report --baseline` will
  parseBaseline(JSON.stringify(baseline), 'exported baseline');
  return baseline;
}

export function registerBaseline(program: Command, run: Runner): void {
  const baseline = program.command('baseline').description('comparison baselines');
  baseline
    .command('export')
    .description("write this store's metrics as a baseline file for another hospital's report")
    .requiredOption('--db <file>', 'the store (opened read-only)')
    .requiredOption('--out <file>', 'the baseline JSON file to write')
    .option('--site <file>', "this store's site configuration (internal networks decide directions)")
    .option('--from <date>', 'first day or instant to include (UTC)')
    .option('--to <date>', 'last day to include, or the instant to stop before (UTC)')
    .option('--name <text>', 'name shown beside the baseline figures')
    .option('--source <text>', 'where the figures come from (shown in the report)')
    .option('--key-file <file>', KEY_FILE_HELP)
    .action(run(async (flags: ExportFlags) => {
      const from = flags.from ? parseBound(flags.from, '--from') : undefined;
      const to = flags.to ? parseBound(flags.to, '--to') : undefined;
      if (from && to && from >= to) throw new UsageError(`--from (${from.toISOString()}) must be before --to (${to.toISOString()})`);
      const site = flags.site ? loadSite(flags.site) : undefined;
      const key = await checkStoreKey('dhai baseline export', flags.db, flags.keyFile);
      const store = await openStore(flags.db, { readOnly: true, pseudonymKey: key.key });
      try {
        const b = await exportBaseline({
          conn: store.conn, site: siteForStore(site, { ...key, record: store.pseudonymisation }, (s) => process.stderr.write(s)), window: { from, to },
          name: flags.name ?? `dhai store ${flags.db}`,
          source: flags.source ?? `dhai baseline export of ${flags.db}${from || to ? ` (${from?.toISOString() ?? '…'} to ${to?.toISOString() ?? '…'})` : ''}`,
        });
        writeFileSync(flags.out, `${JSON.stringify(b, null, 2)}\n`);
        const n = Object.values(b.sections).reduce((a, m) => a + Object.keys(m ?? {}).length, 0);
        process.stdout.write(`baseline: ${Object.keys(b.sections).length} sections, ${n} metrics → ${flags.out}\n`);
        return 0;
      } finally {
        await store.close();
      }
    }));
}
