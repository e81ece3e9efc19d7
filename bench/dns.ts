// Analysis A at scale: categorising --rows DNS requests (default 20 M) against a 1 M-entry top list, two
// 100 k-entry blocklists and 100 k-entry botnet feeds (domains and addresses), beside a bare DuckDB scan of
// the same dns table in the same run. Target: categorisation <= 3 bare scans.
// Run: flock /tmp/bench.lock node --import tsx bench/dns.ts [--rows N] [--names high] [--keep] [--prepare]
//   --keep reuses bench/out/dns (the simulated week, and the store when it has --rows); --prepare only builds it
//   --names high: the high-cardinality variant (bench/out/dns-high), where one request in four asks for a name
//   of its own: a unique first label put before the simulated name (u<replica>x<n>.www.example.com), as
//   CDN, telemetry and DGA look-ups do; about 5 M distinct names in 20 M requests. The label keeps the
//   registrable domain, so the category mix barely moves, but every popular domain now crosses the
//   tunnelling threshold of distinct names per day.
//
// Corpus (documented because it is not one simulator run): `dhai simulate` (2000 devices, 7 days, seed 11)
// gives a week of a hospital's dns.log with its name, answer and category mix; simulating 20 M requests
// outright would take the simulator some 20 minutes here, so the week is replayed: replica k is the same
// files with every timestamp shifted by k weeks (text otherwise unchanged), until --rows is reached. The
// replicas repeat the week's names, so the corpus has the distinct names of one simulated week, not of
// months. Then `dhai ingest` loads the replicas into a store and the feeds are generated around the
// simulator's own (its top list first, its listed names and addresses among generated ones) and imported.
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { importFeedFile } from '../src/intel/feed-store.ts';
import { runIngest } from '../src/ingest/ingest.ts';
import { openStore } from '../src/store/store.ts';
import { args, load, median, opt, root } from './common.ts';

const target = Number(opt('--rows') ?? 20_000_000);
const high = opt('--names') === 'high';
if (opt('--names') !== undefined && !high) throw new Error('--names takes only "high"');
const base = path.join(root, 'bench', 'out', 'dns');
const work = high ? `${base}-high` : base;
// the simulated week is shared by both variants
const sim = path.join(base, 'sim');
const corpus = path.join(work, 'corpus');
const db = path.join(work, 'store.duckdb');
const done = path.join(work, `complete-${target}`);
const WEEK = 7 * 86400;

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

let unique = 0;

/**
 * Copy a Zeek TSV file with every data line's ts (first field) moved by `shift` seconds; in the
 * high-cardinality variant, every fourth request's query gets a first label of its own.
 */
async function shifted(src: string, dst: string, shift: number, replica: number): Promise<number> {
  mkdirSync(path.dirname(dst), { recursive: true });
  const out = createWriteStream(dst);
  let rows = 0;
  let queryAt = -1;
  for await (const line of createInterface({ input: createReadStream(src), crlfDelay: Infinity })) {
    if (line.startsWith('#')) {
      if (line.startsWith('#fields\t')) queryAt = line.split('\t').indexOf('query') - 1;
      out.write(`${line}\n`);
      continue;
    }
    const tab = line.indexOf('\t');
    const dot = line.indexOf('.');
    // integer seconds plus the shift, the fraction as written: no float rounding
    let rest = line.slice(tab);
    if (high && rows % 4 === 0 && queryAt > 0) {
      const f = rest.split('\t'); // f[0] is the empty text before the first tab: f[i] is field i
      if (f[queryAt] !== '-') f[queryAt] = `u${replica}x${(unique++).toString(36)}.${f[queryAt]}`;
      rest = f.join('\t');
    }
    out.write(`${Number(line.slice(0, dot)) + shift}${line.slice(dot, tab)}${rest}\n`);
    rows++;
  }
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
  return rows;
}

const TLDS = ['com', 'net', 'org', 'co.uk', 'de', 'com.br', 'io', 'jp', 'ru', 'com.au'];

function writeFeeds(dir: string): { name: string; kind: 'toplist' | 'blocklist' | 'botnet'; file: string }[] {
  const simFeeds = path.join(sim, 'feeds');
  const read = (f: string) => readFileSync(path.join(simFeeds, f), 'utf8');
  const simTop = read('toplist.csv').split('\n').filter(Boolean).map((l) => l.split(',')[1]!);
  const top = [...simTop];
  for (let i = 0; top.length < 1_000_000; i++) top.push(`${i % 9 === 0 ? 'www.' : ''}site${i.toString(36)}.${TLDS[i % TLDS.length]}`);
  writeFileSync(path.join(dir, 'top-1m.csv'), top.map((d, i) => `${i + 1},${d}`).join('\n') + '\n');
  const simBlocked = [...read('malware-domains.txt').split('\n'), ...read('phishing-domains.txt').split('\n')].filter((l) => l && !l.startsWith('#'));
  for (const [k, name] of ['bl-a', 'bl-b'].entries()) {
    const lines = [`# ${name}: generated by bench/dns.ts`, ...simBlocked];
    for (let i = 0; lines.length < 100_001; i++) lines.push(`bad${k}-${i.toString(36)}.${TLDS[i % TLDS.length]}`);
    writeFileSync(path.join(dir, `${name}.txt`), lines.join('\n') + '\n');
  }
  // the simulator's ThreatFox and Feodo exports, padded with generated rows in the same formats
  const tf = read('threatfox-botnet-domains.csv').split('\n').filter(Boolean);
  for (let i = 0; tf.length < 100_010; i++) {
    tf.push(`"2017-12-01 00:00:00", "${900000 + i}", "c2-${i.toString(36)}.example", "domain", "botnet_cc", "win.emotet", "None", "Emotet", "", "100", "None", "None", "0", "bench"`);
  }
  writeFileSync(path.join(dir, 'threatfox-100k.csv'), tf.join('\n') + '\n');
  const feodo = read('feodo-ipblocklist.csv').split('\n').filter((l) => l && !l.startsWith('# END'));
  for (let i = 0; feodo.length < 100_010; i++) {
    feodo.push(`"2017-12-01 00:00:00","${45 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}.${(i * 7) % 251 + 1}","443","online","2018-01-01","Dridex"`);
  }
  writeFileSync(path.join(dir, 'feodo-100k.csv'), feodo.join('\n') + '\n');
  return [
    { name: 'bench-top-1m', kind: 'toplist', file: 'top-1m.csv' },
    { name: 'bench-blocklist-a', kind: 'blocklist', file: 'bl-a.txt' },
    { name: 'bench-blocklist-b', kind: 'blocklist', file: 'bl-b.txt' },
    { name: 'bench-threatfox', kind: 'botnet', file: 'threatfox-100k.csv' },
    { name: 'bench-feodo', kind: 'botnet', file: 'feodo-100k.csv' },
  ];
}

async function makeStore(): Promise<void> {
  const keep = args.includes('--keep');
  if (keep && existsSync(done)) return;
  // the simulated week is deterministic (seed): with --keep it is reused for another --rows
  const haveSim = keep && existsSync(path.join(sim, 'ground-truth.json'));
  for (const n of existsSync(work) ? readdirSync(work) : []) if (n !== 'sim') rmSync(path.join(work, n), { recursive: true, force: true });
  if (!haveSim) rmSync(sim, { recursive: true, force: true });
  rmSync(`${db}.parts`, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const t0 = performance.now();
  if (!haveSim) {
    const r = spawnSync(process.execPath, [path.join(root, 'bin', 'dhai.js'), 'simulate', '--out', sim, '--days', '7', '--devices', '2000', '--seed', '11'], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error('dhai simulate failed');
  }
  const dnsFiles = walk(path.join(sim, 'logs')).filter((f) => path.basename(f).startsWith('dns.'));
  let rows = 0;
  for (let k = 0; rows < target; k++) {
    for (const f of dnsFiles) {
      if (rows >= target) break;
      rows += await shifted(f, path.join(corpus, `week-${k}`, path.relative(path.join(sim, 'logs'), f)), k * WEEK, k);
    }
  }
  console.log(`corpus: ${rows} dns rows written in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  const t1 = performance.now();
  const s = await runIngest({ paths: [corpus], db });
  if (s.rowsRejected > 0) throw new Error(`corpus rows rejected: ${JSON.stringify(s.rejects)}`);
  console.log(`ingest: ${s.rowsStored} rows in ${((performance.now() - t1) / 1000).toFixed(0)} s`);
  rmSync(corpus, { recursive: true, force: true });
  const feedDir = path.join(work, 'feeds');
  mkdirSync(feedDir, { recursive: true });
  const store = await openStore(db);
  for (const f of writeFeeds(feedDir)) {
    const res = await importFeedFile(store.conn, path.join(feedDir, f.file), { kind: f.kind, name: f.name });
    console.log(`feed ${f.name}: ${res.snapshot.entries} entries`);
  }
  await store.close();
  writeFileSync(done, new Date().toISOString());
}

interface Run { kind: string; seconds: number; cpuSeconds: number; rows: number; maxRssMiB: number; [k: string]: unknown }

function contender(kind: 'scan' | 'categorise'): Run {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'bench', 'dns-child.ts'), kind, db, path.join(sim, 'site.yaml')], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`${kind} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Run;
}


await makeStore();
if (args.includes('--prepare')) process.exit(0);
console.log(`load average before: ${load()} (2 cores, shared)`);
// warm the page cache, then alternate so that drifting load hits both alike
contender('scan');
const scans: Run[] = [];
const cats: Run[] = [];
for (let i = 0; i < 3; i++) {
  scans.push(contender('scan'));
  cats.push(contender('categorise'));
}
const scan = median(scans.map((r) => r.seconds));
const cat = median(cats.map((r) => r.seconds));
const scanCpu = median(scans.map((r) => r.cpuSeconds));
const catCpu = median(cats.map((r) => r.cpuSeconds));
const rows = cats[0]!.rows;
if (scans[0]!.rows !== rows) throw new Error(`row counts differ: scan ${scans[0]!.rows}, categorise ${rows}`);
const times = (rs: Run[], k: 'seconds' | 'cpuSeconds') => rs.map((r) => r[k].toFixed(2)).join(' / ');
console.log(`rows ${rows}, distinct names ${String(cats[0]!.names)}, findings ${String(cats[0]!.findings)}, shares % ${JSON.stringify(cats[0]!.shares)}, joined by value ${String(cats[0]!.joined_by_value)}`);
console.log(`bare scan     wall ${times(scans, 'seconds')} s (median ${scan.toFixed(2)}), cpu ${times(scans, 'cpuSeconds')} s (median ${scanCpu.toFixed(2)}), ${(rows / scan / 1e6).toFixed(2)} M rows/s, peak RSS ${Math.max(...scans.map((r) => r.maxRssMiB)).toFixed(0)} MiB`);
console.log(`categorise    wall ${times(cats, 'seconds')} s (median ${cat.toFixed(2)}), cpu ${times(cats, 'cpuSeconds')} s (median ${catCpu.toFixed(2)}), ${(rows / cat / 1e6).toFixed(2)} M rows/s, peak RSS ${Math.max(...cats.map((r) => r.maxRssMiB)).toFixed(0)} MiB`);
console.log(`categorise / bare scan = ${(cat / scan).toFixed(2)} wall, ${(catCpu / scanCpu).toFixed(2)} cpu (target <= 3)`);
console.log(`load average after: ${load()}`);
