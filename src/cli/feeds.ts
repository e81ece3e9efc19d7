// `dhai feeds update|import|list`: threat-intel and popularity feeds and CT log lists kept as snapshots in the store.
// Downloads happen only here, only when asked.
import { readFileSync, statSync } from 'node:fs';
import { Command, Option } from 'commander';
import { DEFAULT_MAX_REJECT_RATE, updateFeeds, type UpdateResult } from '../intel/fetch.ts';
import { importOutsideView } from '../intel/outside-view-store.ts';
import { importFeedDir, importFeedFile, listFeeds, rejectRate, type DirImportItem, type ImportResult, type ListedSnapshot } from '../intel/feed-store.ts';
import { isFormatName, type FormatName } from '../intel/formats.ts';
import { saveUserSource, userSource } from '../intel/sources.ts';
import { FEED_KINDS, isFeedKind } from '../intel/types.ts';
import { openStore, type Store } from '../store/store.ts';
import { UsageError } from '../util/errors.ts';
import { safeText } from '../util/terminal.ts';
import type { Runner } from './main.ts';

const SHOWN_REJECTS = 10;
// cli.md exit codes (EXIT in main.ts, not imported: main.ts imports this file, values must not flow back)
const EXIT = { ok: 0, problems: 1 } as const;

function parseRate(s: string): number {
  const r = Number(s);
  if (!Number.isFinite(r) || r < 0 || r > 1) throw new UsageError(`--max-reject-rate must be a fraction between 0 and 1 (got ${s})`);
  return r;
}

function parseFormat(s: string | undefined): FormatName | undefined {
  if (s === undefined) return undefined;
  if (!isFormatName(s)) throw new UsageError(`unknown --format ${s}`);
  return s;
}

async function withStore<T>(db: string, readOnly: boolean, fn: (s: Store) => Promise<T>): Promise<T> {
  const store = await openStore(db, { readOnly });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

function describeImport(r: ImportResult): string {
  const s = r.snapshot;
  const name = safeText(s.name);
  if (r.status === 'unchanged') return `unchanged ${name}: same content as snapshot ${s.id} (sha256 ${s.sha256.slice(0, 16)}…)`;
  const date = s.feedDate ? `feed date ${s.feedDate.slice(0, 10)} (${s.feedDateFrom})` : 'feed date unknown';
  const version = r.parse?.version ? `version ${safeText(r.parse.version)}, ` : '';
  const lines = [
    `imported ${name} (${s.kind}, ${s.format}): ${version}${s.entries.toLocaleString('en-US')} entries, ` +
      `${s.rejected.toLocaleString('en-US')} rejected, ${s.duplicates.toLocaleString('en-US')} duplicates, ` +
      `${s.ignored.toLocaleString('en-US')} ignored; ${date}; sha256 ${s.sha256.slice(0, 16)}…`,
  ];
  for (const rej of r.parse?.rejected.slice(0, SHOWN_REJECTS) ?? []) {
    lines.push(`  line ${rej.line}: ${safeText(rej.reason)}: ${rej.text}`);
  }
  if (s.rejected > SHOWN_REJECTS) lines.push(`  … ${(s.rejected - SHOWN_REJECTS).toLocaleString('en-US')} more rejected lines`);
  if (s.kind === 'ct-log-list') lines.push('  reports verify embedded SCTs against the newest Chrome list and the newest Apple list loaded');
  return lines.join('\n');
}

function overThreshold(r: ImportResult | undefined, max: number): boolean {
  return r !== undefined && r.status === 'imported' && rejectRate(r.snapshot) > max;
}

function describeUpdate(r: UpdateResult): string {
  return `${r.outcome.padEnd(12)} ${safeText(r.name)}: ${safeText(r.message)}`;
}

function table(rows: ListedSnapshot[]): string {
  const head = ['name', 'kind', 'format', 'feed date', 'entries', 'rejected', 'loaded (UTC)', 'sha256', 'source'];
  const body = rows.map((s) => [
    `${safeText(s.name)}${s.latest ? '' : ' (older)'}`,
    s.kind,
    s.format,
    s.feedDate ? `${s.feedDate.slice(0, 10)} ${s.feedDateFrom}` : '-',
    s.entries.toLocaleString('en-US'),
    s.rejected.toLocaleString('en-US'),
    s.lastSeenAt.slice(0, 16).replace('T', ' '),
    s.sha256.slice(0, 16),
    safeText(s.source),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  return [head, ...body].map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n');
}

interface UpdateFlags {
  db: string;
  source?: string;
  force?: boolean;
  url?: string;
  kind?: string;
  format?: string;
  json?: boolean;
}

interface ImportFlags {
  db: string;
  kind?: string;
  name?: string;
  format?: string;
  maxRejectRate: string;
  json?: boolean;
}

/** Where the commands print; tests pass their own (the test runner itself talks over process.stdout). */
export interface FeedsOutput {
  write(s: string): unknown;
}

/** Scanner exports of the hospital's own ranges (the exposure analysis's outside view). */
const OUTSIDE_KINDS = ['shodan', 'censys'] as const;

export function registerFeeds(program: Command, run: Runner, out: FeedsOutput = process.stdout): void {
  const feeds = program.command('feeds').description('threat-intel and popularity feeds and CT log lists kept as snapshots in the store');

  feeds
    .command('update')
    .description('download the configured feeds (only when asked; each source keeps its minimum interval)')
    .requiredOption('--db <file>', 'the store')
    .option('--source <name>', 'only this source (e.g. chrome-ct or apple-ct, the CT log lists; also sources not fetched by default: umbrella, majestic)')
    .option('--force', 'ignore the minimum fetch interval')
    .option('--url <url>', 'add a source by URL (needs --source as its name and --kind), then fetch it')
    .addOption(new Option('--kind <kind>', 'kind of the --url source').choices([...FEED_KINDS]))
    .option('--format <format>', 'format of the --url source (recognised from the content if absent)')
    .option('--json', 'print the results as JSON')
    .action(run(async (flags: UpdateFlags) => {
      if (flags.url === undefined && (flags.kind !== undefined || flags.format !== undefined)) {
        throw new UsageError('--kind and --format describe a new --url source');
      }
      const format = parseFormat(flags.format);
      return withStore(flags.db, false, async (store) => {
        const now = new Date();
        if (flags.url !== undefined) {
          if (!flags.source || !flags.kind) throw new UsageError('--url needs --source NAME and --kind KIND');
          await saveUserSource(store.conn, userSource({ name: flags.source, kind: flags.kind, url: flags.url, format }), now);
        }
        const results = await updateFeeds(store.conn, { source: flags.source, force: flags.force, now });
        out.write(flags.json ? `${JSON.stringify(results, null, 2)}\n` : `${results.map(describeUpdate).join('\n')}\n`);
        return results.some((r) => r.outcome === 'failed') ? EXIT.problems : EXIT.ok;
      });
    }));

  feeds
    .command('import')
    .description('load an offline feed file, or every file listed in DIR/manifest.json; the same content twice is a no-op')
    .argument('<path>', 'a feed file (plain, .gz or single-file .zip) or a directory with manifest.json')
    .requiredOption('--db <file>', 'the store')
    .addOption(new Option('--kind <kind>', 'what the file is (required for a file); shodan or censys for a scanner export of your ranges').choices([...FEED_KINDS, ...OUTSIDE_KINDS]))
    .option('--name <name>', 'feed name (default: the file name without extensions)')
    .option('--format <format>', 'parser to use (recognised from the content if absent)')
    .addOption(new Option('--max-reject-rate <rate>', 'exit 1 when more than this fraction of lines is rejected').default(String(DEFAULT_MAX_REJECT_RATE)))
    .option('--json', 'print the results as JSON')
    .action(run(async (target: string, flags: ImportFlags) => {
      const max = parseRate(flags.maxRejectRate);
      const format = parseFormat(flags.format);
      let isDir: boolean;
      try {
        isDir = statSync(target).isDirectory();
      } catch {
        throw new UsageError(`${target}: no such file or directory`);
      }
      if (isDir && (flags.kind || flags.name || flags.format)) {
        throw new UsageError('--kind, --name and --format apply to a file; for a directory, manifest.json gives them per file');
      }
      const kind = flags.kind;
      if (!isDir && (kind === 'shodan' || kind === 'censys')) {
        return withStore(flags.db, false, async (store) => {
          const r = await importOutsideView(store.conn, readFileSync(target), { origin: target, source: kind });
          if (flags.json) out.write(`${JSON.stringify(r.parse ? { ...r, parse: { rejected: r.parse.rejectedCount } } : r, null, 2)}\n`);
          else out.write(`${r.status === 'imported' ? 'imported' : 'unchanged'} ${kind} export ${safeText(target)}: ${r.records.toLocaleString('en-US')} services (sha256 ${r.sha256.slice(0, 16)}…)\n`);
          return EXIT.ok;
        });
      }
      if (!isDir && (kind === undefined || !isFeedKind(kind))) throw new UsageError(`--kind is required for a file (${[...FEED_KINDS, ...OUTSIDE_KINDS].join('|')})`);
      return withStore(flags.db, false, async (store) => {
        let items: DirImportItem[];
        if (isDir || kind === undefined || !isFeedKind(kind)) {
          items = await importFeedDir(store.conn, target);
        } else {
          const item: DirImportItem = { name: flags.name ?? '', kind, file: target };
          try {
            item.result = await importFeedFile(store.conn, target, { kind, name: flags.name, format });
            item.name = item.result.snapshot.name;
          } catch (e) {
            if (e instanceof UsageError) throw e;
            item.error = (e as Error).message;
          }
          items = [item];
        }
        if (flags.json) out.write(`${JSON.stringify(items, null, 2)}\n`);
        else {
          const lines = items.map((i) =>
            i.result ? describeImport(i.result) : `failed   ${safeText(i.name || i.file)}: ${safeText(i.error ?? '')}`,
          );
          out.write(`${lines.join('\n')}\n`);
        }
        return items.some((i) => i.error !== undefined || overThreshold(i.result, max)) ? EXIT.problems : EXIT.ok;
      });
    }));

  feeds
    .command('list')
    .description('feeds loaded: source, date, entries, hash')
    .requiredOption('--db <file>', 'the store')
    .option('--json', 'print as JSON')
    .action(run(async (flags: { db: string; json?: boolean }) =>
      withStore(flags.db, true, async (store) => {
        const rows = await listFeeds(store.conn);
        if (flags.json) out.write(`${JSON.stringify(rows, null, 2)}\n`);
        else out.write(rows.length === 0 ? 'no feeds loaded (dhai feeds import / dhai feeds update)\n' : `${table(rows)}\n`);
        return EXIT.ok;
      }),
    ));
}
