// One contender of bench/dns.ts, in its own process so that its peak RSS is its own.
// argv: kind (scan | categorise) db site.yaml → one JSON line {seconds, cpuSeconds, rows, maxRssMiB, ...}
// CPU time (user + system, all of DuckDB's threads) is steadier than wall time on a shared machine.
import { loadSite } from '../src/config/site.ts';
import { dnsCategories } from '../src/analyses/dns-categories.ts';
import { openStore } from '../src/store/store.ts';

const [kind, db, sitePath] = process.argv.slice(2) as [string, string, string];
const store = await openStore(db, { readOnly: true });
const t0 = performance.now();
const cpu0 = process.cpuUsage();
let rows = 0;
let extra: Record<string, unknown> = {};
if (kind === 'scan') {
  // the bare scan: one aggregate over exactly the columns the analysis reads from dns (one sensor: no uid)
  const r = await store.conn.runAndReadAll(`SELECT count(*), sum(length(query)), sum(len(answers)), max(ts), max(id_orig_h), max(id_resp_h),
    max(id_resp_p), max(qtype), max(qtype_name) FROM dns`);
  rows = Number(r.getRows()[0]![0]);
} else if (kind === 'categorise') {
  const res = await dnsCategories.run({ conn: store.conn, site: loadSite(sitePath), window: {} });
  rows = Number(res.metrics.requests_total);
  extra = {
    names: res.metrics.names_total,
    findings: res.findings.length,
    shares: Object.fromEntries(['botnet', 'blacklisted', 'self_associated', 'whitelisted', 'uncategorised'].map((c) => {
      const m = res.metrics[`requests_${c}`] as { share: number } | undefined;
      return [c, m ? Math.round(m.share * 1e6) / 1e4 : null];
    })),
    joined_by_value: res.method.some((m) => m.includes('share a 64-bit hash')),
  };
} else throw new Error(`unknown kind ${kind}`);
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
await store.close();
console.log(JSON.stringify({ kind, seconds, cpuSeconds, rows, maxRssMiB: process.resourceUsage().maxRSS / 1024, ...extra }));
