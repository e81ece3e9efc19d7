// `dhai ingest <paths>... --db FILE`: read Zeek logs into the store, with progress and a summary.
import { Command, Option } from 'commander';
import cliProgress from 'cli-progress';
import { loadSite } from '../config/site.ts';
import { runIngest, type IngestProgress } from '../ingest/ingest.ts';
import { formatSummary } from '../ingest/summary.ts';
import { loadKey } from '../privacy/cryptopan.ts';
import { UsageError } from '../util/errors.ts';
import { safeText } from '../util/terminal.ts';
import type { Runner } from './main.ts';

interface IngestFlags {
  db: string;
  site?: string;
  sensor?: string;
  include?: string;
  maxRejectRate: string;
  json?: boolean;
  progress: boolean;
  pseudonymise?: boolean;
  pseudonymiseExternal?: boolean;
  keyFile?: string;
}

export function registerIngest(program: Command, run: Runner): void {
  program
    .command('ingest')
    .description('read Zeek logs (TSV or JSON, plain or .gz, files or directory trees) into the store')
    .argument('<paths...>', 'log files or directories')
    .requiredOption('--db <file>', 'the store (a DuckDB file; created if missing)')
    .option('--site <file>', 'site configuration (sensors by path; analyses take the site at report time)')
    .option('--sensor <name>', 'sensor name for every file of this run')
    .option('--include <types>', 'also store these log types, comma-separated (e.g. notice; http only on purpose)')
    .addOption(new Option('--max-reject-rate <rate>', 'exit 1 when more than this fraction of rows is rejected').default('0.01'))
    .option('--pseudonymise', 'replace internal addresses and host/DNS names by keyed pseudonyms (needs --site and --key-file)')
    .option('--pseudonymise-external', 'pseudonymise every address, external ones too (implies --pseudonymise)')
    .option('--key-file <file>', 'pseudonym key: 32 raw bytes or 64 hex characters; never stored')
    .option('--json', 'print the summary as JSON')
    .option('--no-progress', 'no progress output')
    .action(run(async (paths: string[], flags: IngestFlags) => {
      const maxRejectRate = Number(flags.maxRejectRate);
      if (!Number.isFinite(maxRejectRate) || maxRejectRate < 0 || maxRejectRate > 1) {
        throw new UsageError(`--max-reject-rate must be a fraction between 0 and 1 (got ${flags.maxRejectRate})`);
      }
      if (flags.sensor !== undefined && !/^[A-Za-z0-9_.-]+$/.test(flags.sensor)) {
        throw new UsageError(`--sensor must be letters, digits, '.', '_' or '-' (got ${flags.sensor})`);
      }
      const site = flags.site ? loadSite(flags.site) : undefined;
      const include = flags.include?.split(',').map((s) => s.trim()).filter(Boolean);
      for (const t of include ?? []) if (!/^[a-z0-9_]+$/.test(t)) throw new UsageError(`--include: not a log type: ${t}`);
      const pseudonymise = pseudonymiseOption(flags);
      const progress = flags.progress && !flags.json ? progressReporter() : undefined;
      const summary = await runIngest({ paths, db: flags.db, site, sensor: flags.sensor, include, maxRejectRate, pseudonymise, onProgress: progress?.update });
      progress?.stop();
      process.stdout.write(flags.json ? `${JSON.stringify(summary, null, 2)}\n` : `${formatSummary(summary)}\n`);
      return summary.exitCode;
    }));
}

function pseudonymiseOption(flags: IngestFlags): { key: Buffer; external: boolean } | undefined {
  const on = flags.pseudonymise || flags.pseudonymiseExternal;
  if (!on) {
    if (flags.keyFile) throw new UsageError('--key-file is for --pseudonymise');
    return undefined;
  }
  if (!flags.keyFile) throw new UsageError('--pseudonymise needs --key-file (32 raw bytes or 64 hex characters)');
  if (!flags.site) throw new UsageError('--pseudonymise needs --site: the site tells internal addresses and names apart');
  return { key: loadKey(flags.keyFile), external: flags.pseudonymiseExternal ?? false };
}

/** A bar on a terminal (bytes, rows/s, ETA); plain lines at most every 5 s otherwise (logs, CI). */
function progressReporter(): { update: (p: IngestProgress) => void; stop: () => void } {
  const started = Date.now();
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: '{bar} {percentage}% | {mb}/{totalMb} MB | {rowsPerS} rows/s | ETA {eta_formatted} | {file}',
        hideCursor: true,
        stream: process.stderr,
        etaBuffer: 20,
      },
      cliProgress.Presets.shades_classic,
    );
    let begun = false;
    return {
      update: (p) => {
        const payload = {
          mb: (p.bytesDone / 1e6).toFixed(0),
          totalMb: (p.bytesTotal / 1e6).toFixed(0),
          rowsPerS: Math.round(p.rowsStored / Math.max((Date.now() - started) / 1000, 1e-3)).toLocaleString('en-US'),
          file: safeText((p.current ?? '').split('/').slice(-2).join('/')).slice(0, 40),
        };
        if (!begun) {
          bar.start(Math.max(p.bytesTotal, 1), p.bytesDone, payload);
          begun = true;
        } else bar.update(p.bytesDone, payload);
      },
      stop: () => bar.stop(),
    };
  }
  let last = 0;
  return {
    update: (p) => {
      const now = Date.now();
      if (now - last < 5000 && p.filesDone < p.filesTotal) return;
      last = now;
      const s = (now - started) / 1000;
      process.stderr.write(`ingest: ${p.filesDone}/${p.filesTotal} files, ${(p.bytesDone / 1e6).toFixed(0)}/${(p.bytesTotal / 1e6).toFixed(0)} MB, ${p.rowsStored.toLocaleString('en-US')} rows, ${s.toFixed(0)} s\n`);
    },
    stop: () => undefined,
  };
}
