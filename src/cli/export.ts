// `dhai export --share --db FILE --out FILE [--k 5]`: the store's aggregate figures as a shareable export
// (src/share/export.ts): allow-listed metrics only, device counts as shares, figures resting on fewer than k
// hospital devices suppressed, a manifest of what was left out and why.
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { loadSite } from '../config/site.ts';
import { parseBound } from '../report/window.ts';
import { DEFAULT_K, buildShareExport } from '../share/export.ts';
import { openStore } from '../store/store.ts';
import { UsageError } from '../util/errors.ts';
import { safeText } from '../util/terminal.ts';
import type { Runner } from './main.ts';
import { checkStoreKey, KEY_FILE_HELP, siteForStore } from './store-key.ts';

interface ExportFlags {
  share?: boolean;
  db: string;
  out: string;
  k: string;
  site?: string;
  from?: string;
  to?: string;
  roots?: string;
  keyFile?: string;
}

/** --k: a whole number from 1 (1 suppresses only figures resting on no device at all). */
export function parseK(text: string): number {
  if (!/^\d{1,6}$/.test(text.trim()) || Number(text) < 1) throw new UsageError(`--k must be a whole number of at least 1 (got ${safeText(text)})`);
  return Number(text);
}

export function registerExport(program: Command, run: Runner): void {
  program
    .command('export')
    .description('write a shareable export: aggregate figures only, small cells suppressed (--share)')
    .option('--share', 'the aggregate-only shareable export (the only kind there is; required)')
    .requiredOption('--db <file>', 'the store (opened read-only)')
    .requiredOption('--out <file>', 'the JSON file to write')
    .option('--k <n>', 'suppress every figure resting on fewer than this many hospital devices', String(DEFAULT_K))
    .option('--site <file>', 'site configuration: internal networks, device classes, own domains (as for dhai report)')
    .option('--from <date>', 'first day or instant to include (UTC)')
    .option('--to <date>', 'last day to include (a day includes all of it), or the instant to stop before (UTC)')
    .option('--roots <file>', 'PEM root store to verify certificates against (as for dhai report)')
    .option('--key-file <file>', KEY_FILE_HELP)
    .action(run(async (flags: ExportFlags) => {
      if (!flags.share) throw new UsageError('dhai export writes only the shareable export: pass --share');
      const k = parseK(flags.k);
      const from = flags.from ? parseBound(flags.from, '--from') : undefined;
      const to = flags.to ? parseBound(flags.to, '--to') : undefined;
      if (from && to && from >= to) throw new UsageError(`--from (${from.toISOString()}) must be before --to (${to.toISOString()})`);
      const site = flags.site ? loadSite(flags.site) : undefined;
      if (flags.roots && !existsSync(flags.roots)) throw new UsageError(`--roots: no such file ${safeText(flags.roots)}`);
      const key = await checkStoreKey('dhai export', flags.db, flags.keyFile);
      const store = await openStore(flags.db, { readOnly: true, pseudonymKey: key.key });
      let x;
      try {
        const analysisSite = siteForStore(site, { ...key, record: store.pseudonymisation }, (s) => process.stderr.write(s));
        x = await buildShareExport({ conn: store.conn, site: analysisSite, window: { from, to }, k, certs: flags.roots ? { rootsFile: flags.roots } : undefined });
      } finally {
        await store.close();
      }
      mkdirSync(path.dirname(path.resolve(flags.out)), { recursive: true });
      const tmp = `${flags.out}.tmp-${process.pid}`;
      writeFileSync(tmp, `${JSON.stringify(x, null, 2)}\n`);
      renameSync(tmp, flags.out);
      const figures = Object.values(x.sections).reduce((n, s) => n + Object.keys(s?.metrics ?? {}).length, 0);
      const leftOut = x.manifest.left_out.reduce((n, l) => n + l.count, 0);
      process.stdout.write(`shareable export: ${figures} figures from ${Object.values(x.sections).filter((s) => s?.status === 'ok').length} sections, ` +
        `${x.manifest.suppressed.length} suppressed (fewer than ${k} device${k === 1 ? '' : 's'}), ${leftOut} left out → ${safeText(flags.out)}\n`);
      return 0;
    }));
}
