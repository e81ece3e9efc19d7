// `dhai simulate`: builds the world, runs it hour by hour, and writes the Zeek log tree, the site file, the
// feeds and the ground truth (layout in cli.md).
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../util/errors.ts';
import { VERSION } from '../version.ts';
import { buildWorld } from './model/build.ts';
import { DAY, statusStrings } from './model/certs.ts';
import { writeFeeds, type FeedEntry } from './feeds.ts';
import { loadProfile } from './profile.ts';
import { Rng } from './rng.ts';
import { siteDoc, siteFacts, siteYaml } from './site-file.ts';
import { ClientTraffic } from './traffic/clients.ts';
import { Buffers, Emitter, HOUR_US } from './traffic/emit.ts';
import { HourWriter } from './traffic/hour-writer.ts';
import { InboundTraffic } from './traffic/inbound.ts';
import type { TrafficContext } from './traffic/context.ts';
import { GroundTruth, type GroundTruthFile } from './truth/index.ts';
import { normaliseName } from './truth/dns.ts';
import { LogTree } from './zeek/log-tree.ts';
import { formattersFor } from './zeek/row-format.ts';
import { hasFingerprintLayout, parseZeekVersion, schemasFor, versionAtLeast } from './zeek/schema.ts';

export interface SimulateOptions {
  out: string;
  days: number;
  devices: number;
  seed: string;
  /** YYYY-MM-DD, UTC. */
  start: string;
  format: 'tsv' | 'json';
  gzip: boolean;
  zeekVersion: string;
  profile: string;
}

export const DEFAULTS: Omit<SimulateOptions, 'out'> = {
  days: 30,
  devices: 500,
  seed: '1',
  start: '2018-01-01',
  format: 'tsv',
  gzip: false,
  zeekVersion: '6.0',
  profile: 'dhai-2019',
};

export interface SimulateResult {
  out: string;
  logs: string;
  site: string;
  feeds: string;
  groundTruth: string;
  rows: Record<string, number>;
  files: number;
  bytes: number;
  feedEntries: FeedEntry[];
}

const OUTPUTS = ['logs', 'feeds', 'site.yaml', 'ground-truth.json'];

function checkOptions(o: SimulateOptions): { windowStart: number } {
  if (!Number.isInteger(o.days) || o.days < 1 || o.days > 3660) throw new UsageError(`--days must be a whole number from 1 to 3660 (got ${o.days})`);
  if (!Number.isInteger(o.devices) || o.devices < 1 || o.devices > 20000) throw new UsageError(`--devices must be a whole number from 1 to 20000 (got ${o.devices})`);
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(o.start);
  const windowStart = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / 1000 : NaN;
  if (!m || new Date(windowStart * 1000).toISOString().slice(0, 10) !== o.start) throw new UsageError(`--start must be a date YYYY-MM-DD (got ${o.start})`);
  if (o.format !== 'tsv' && o.format !== 'json') throw new UsageError(`--format must be tsv or json (got ${String(o.format)})`);
  const v = parseZeekVersion(o.zeekVersion);
  if (!v || v.major < 3 || v.major > 6) throw new UsageError(`--zeek-version ${o.zeekVersion}: the layouts simulated are Zeek 3.0 to 6.x (pre-4.1 and 4.1+)`);
  return { windowStart };
}

/** Refuses to write into a directory that holds anything but an earlier simulation, which it replaces. */
function prepareOut(out: string): void {
  if (existsSync(out)) {
    const entries = readdirSync(out);
    if (entries.length > 0) {
      if (!entries.includes('ground-truth.json') || entries.some((e) => !OUTPUTS.includes(e))) {
        throw new UsageError(`${out} is not empty and does not hold an earlier simulation; choose a new directory`);
      }
      for (const e of OUTPUTS) rmSync(path.join(out, e), { recursive: true, force: true });
    }
  }
  mkdirSync(out, { recursive: true });
}

/** `onDay` is told after each simulated day (for progress output). */
export async function simulate(o: SimulateOptions, onDay?: (done: number, days: number) => void): Promise<SimulateResult> {
  const { windowStart } = checkOptions(o);
  const profile = loadProfile(o.profile);
  const version = parseZeekVersion(o.zeekVersion)!;
  prepareOut(o.out);
  const windowEnd = windowStart + o.days * DAY;
  const built = buildWorld(profile, { seed: o.seed, devices: o.devices, windowStart, days: o.days });
  const { world } = built;

  const doc = siteDoc(profile, built.hospital, built.vendors);
  const sitePath = path.join(o.out, 'site.yaml');
  writeFileSync(
    sitePath,
    siteYaml(doc, `Site configuration of the simulated hospital, written by \`dhai simulate\` (profile ${o.profile}, seed ${o.seed}).\nFictional: names end in .example, internal addresses are private, external ones random.`),
  );
  const site = siteFacts(doc);
  const watched = new Set([...world.threats.families.flatMap((f) => f.names), ...world.threats.blacklisted.map((h) => h.name)].map(normaliseName));
  const truth = new GroundTruth(site, (n) => watched.has(n));

  const root = new Rng(`dhai-traffic:${o.seed}`);
  const buffers = new Buffers();
  const windowStartUs = windowStart * 1e6;
  const windowEndUs = windowEnd * 1e6;
  const fmt = formattersFor(schemasFor(version), o.format, hasFingerprintLayout(version));
  const emit = new Emitter(buffers, fmt, truth, root.fork('ids'), statusStrings(versionAtLeast(version, 6, 0)), (ip) => site.inside(ip), windowEndUs);
  const tree = new LogTree({ root: path.join(o.out, 'logs'), gzip: o.gzip });
  const writer = new HourWriter({
    fmt,
    fingerprints: hasFingerprintLayout(version),
    sslHistory: versionAtLeast(version, 6, 0),
    tree,
    rng: root.fork('fuids'),
    inside: (ip) => site.inside(ip),
  });

  const offset = profile.hospital.utc_offset_hours;
  for (let day = 0; day < o.days; day++) {
    const ctx: TrafficContext = { world, profile, emit, rng: root.fork(`day:${day}`) };
    const clients = new ClientTraffic(ctx);
    const inbound = new InboundTraffic(ctx);
    for (let h = 0; h < 24; h++) {
      const hourUs = windowStartUs + (day * 24 + h) * HOUR_US;
      const local = new Date((hourUs / 1e6 + offset * 3600) * 1000);
      const localHour = local.getUTCHours();
      const weekend = local.getUTCDay() === 0 || local.getUTCDay() === 6;
      for (const d of world.devices) {
        if (d.presentDays && !d.presentDays.has(day)) continue;
        const cp = profile.classes[d.cls];
        clients.hour(d, hourUs, profile.diurnal[cp.curve]![localHour]! * (weekend ? cp.weekend : 1));
      }
      inbound.hour(hourUs, localHour);
      const hourIndex = Math.floor(hourUs / HOUR_US);
      const buf = buffers.take(hourIndex);
      if (buf) await writer.flush(hourIndex, buf, buffers);
    }
    onDay?.(day + 1, o.days);
  }
  await tree.finish();

  const feedsDir = path.join(o.out, 'feeds');
  const feedEntries = writeFeeds({
    dir: feedsDir,
    rng: root.fork('feeds'),
    windowStart,
    windowEnd,
    topList: built.topList,
    families: world.threats.families,
    blacklisted: world.threats.blacklisted,
    leaves: built.leaves,
  });

  const botnetNames = new Map<string, string>();
  const botnetIps = new Map<string, string>();
  for (const f of world.threats.families) {
    for (const n of f.listedNames) botnetNames.set(n, f.family);
    for (const ip of f.ips) botnetIps.set(ip, f.family);
  }
  const sections = truth.finish(
    {
      botnetNames,
      botnetIps,
      blockedNames: new Set(world.threats.blacklisted.map((h) => h.name)),
      topRanks: new Map(built.topList.map((d, i) => [d, i + 1])),
      topN: 100000,
    },
    built.topList,
    doc.device_classes.map((c) => c.class),
  );
  const gt: GroundTruthFile = {
    generator: { command: 'dhai simulate', dhai_version: VERSION, profile: o.profile, seed: o.seed, start: o.start, days: o.days, devices: o.devices, zeek_version: o.zeekVersion, format: o.format },
    sections,
  };
  const gtPath = path.join(o.out, 'ground-truth.json');
  writeFileSync(gtPath, `${JSON.stringify(gt, null, 2)}\n`);
  return {
    out: o.out,
    logs: path.join(o.out, 'logs'),
    site: sitePath,
    feeds: feedsDir,
    groundTruth: gtPath,
    rows: writer.rows,
    files: tree.files,
    bytes: tree.bytes,
    feedEntries,
  };
}
