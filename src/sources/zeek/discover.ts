// Finding Zeek logs on disk: files or directory trees in the rotation layouts sensors write
// (zeekctl `2018-01-01/conn.00:00:00-01:00:00.log.gz`, standalone `conn.2018-01-01-00-00-00.log`,
// `current/conn.log`, `open_conn.log`), plain or gzip, TSV or JSON lines.
import { open, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { CORE_SCHEMAS } from '../../store/zeek-schema.ts';

export interface LogFile {
  path: string;
  size: number;
  mtimeMs: number;
  gzip: boolean;
  /** log type guessed from the name; the #path header (or JSON `_path`) wins when present */
  nameType?: string;
}

const CORE = Object.keys(CORE_SCHEMAS).sort((a, b) => b.length - a.length);
// names that look like Zeek logs when met while walking a directory
const STAT_GROUP = 64;
const LOGLIKE = /\.(log|json)(\.|$)|\.log\.[a-z]+$/i;

/** The log type a file name implies, or undefined. */
export function logTypeFromName(file: string): string | undefined {
  let base = path.basename(file).replace(/\.gz$/i, '');
  base = base.replace(/^(open[_.]|\.)/, '');
  const tokens = base.split('.');
  for (const tok of tokens) {
    for (const t of CORE) if (tok === t || new RegExp(`^${t}(?![a-z])`).test(tok)) return t;
  }
  const first = tokens[0] ?? '';
  return /^[a-z][a-z0-9_]*$/.test(first) && first !== 'log' ? first : undefined;
}

/**
 * Expand the user's paths into log files, sorted so that rotated files are read in time order.
 * Named files are always taken; inside directories only log-like names are (captures and notes are not logs).
 */
export async function discover(paths: string[]): Promise<{ files: LogFile[]; missing: string[] }> {
  const files = new Map<string, LogFile>();
  const missing: string[] = [];
  const add = async (p: string) => {
    const st = await stat(p);
    files.set(path.resolve(p), {
      path: path.resolve(p),
      size: st.size,
      mtimeMs: st.mtimeMs,
      gzip: /\.gz$/i.test(p) || (await isGzip(p, st.size)),
      nameType: logTypeFromName(p),
    });
  };
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    // entries a group at a time: one stat (and gzip check) after another cost 0.3 s for 1920 hourly files,
    // and all at once could run out of file descriptors in a large tree
    for (let i = 0; i < entries.length; i += STAT_GROUP) {
      await Promise.all(entries.slice(i, i + STAT_GROUP).map(async (e) => {
        if (e.name.startsWith('.')) return; // dhai's own staging and editors' temp files
        const p = path.join(dir, e.name);
        if (e.isDirectory()) await walk(p);
        else if (e.isFile() && LOGLIKE.test(e.name)) await add(p);
      }));
    }
  };
  for (const p of paths) {
    let st;
    try {
      st = await stat(p);
    } catch {
      missing.push(p);
      continue;
    }
    if (st.isDirectory()) await walk(p);
    else await add(p);
  }
  return { files: [...files.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)), missing };
}

async function isGzip(p: string, size: number): Promise<boolean> {
  if (size < 2) return false;
  const fh = await open(p, 'r');
  try {
    const b = Buffer.alloc(2);
    await fh.read(b, 0, 2, 0);
    return b[0] === 0x1f && b[1] === 0x8b;
  } finally {
    await fh.close();
  }
}
