// Throughput of `dhai simulate`: rows and megabytes written per second, for TSV, gzip-compressed TSV and
// JSON, on the default run (30 days, 500 devices) unless told otherwise.
// Run: node --import tsx bench/simulate.ts [--days N] [--devices N] [--only tsv|gzip|json]
// Output goes to bench/out/simulate-<variant>/ (git-ignored) and is left there for other benchmarks to read.
import { rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULTS, simulate } from '../src/simulate/simulate.ts';

const { values } = parseArgs({
  options: {
    days: { type: 'string', default: String(DEFAULTS.days) },
    devices: { type: 'string', default: String(DEFAULTS.devices) },
    only: { type: 'string' },
  },
});

const variants = [
  { name: 'tsv', format: 'tsv' as const, gzip: false },
  { name: 'gzip', format: 'tsv' as const, gzip: true },
  { name: 'json', format: 'json' as const, gzip: false },
].filter((v) => !values.only || v.name === values.only);

const outRoot = path.join(path.dirname(fileURLToPath(import.meta.url)), 'out');
const days = Number(values.days);
const devices = Number(values.devices);

console.log(`dhai simulate benchmark: ${days} days, ${devices} devices, profile ${DEFAULTS.profile}, Zeek ${DEFAULTS.zeekVersion} layout`);
console.log(`node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} x${cpus().length}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} (the machine is shared)`);
console.log('variant   rows        files  MB written  seconds  cpu-s   rows/s     MB/s');
for (const v of variants) {
  const out = path.join(outRoot, `simulate-${v.name}`);
  // the previous run's output is removed first: deleting a gigabyte of files is not the simulator's work
  rmSync(out, { recursive: true, force: true });
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const r = await simulate({ ...DEFAULTS, out, days, devices, format: v.format, gzip: v.gzip });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const c = process.cpuUsage(cpu0);
  const rows = Object.values(r.rows).reduce((a, b) => a + b, 0);
  const mb = r.bytes / 1e6;
  console.log(
    [
      v.name.padEnd(8),
      String(rows).padStart(10),
      String(r.files).padStart(7),
      mb.toFixed(1).padStart(10),
      seconds.toFixed(2).padStart(8),
      ((c.user + c.system) / 1e6).toFixed(2).padStart(6),
      String(Math.round(rows / seconds)).padStart(9),
      (mb / seconds).toFixed(1).padStart(8),
    ].join('  '),
  );
}
console.log('MB written counts the uncompressed log text; cpu-s includes libuv and GC helper threads (gzip runs there).');
