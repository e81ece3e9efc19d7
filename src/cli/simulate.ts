// `dhai simulate`: write a synthetic multi-campus hospital (Zeek logs, site file, feeds, ground truth).
import { Command } from 'commander';
import { DEFAULTS, simulate } from '../simulate/simulate.ts';
import { UsageError } from '../util/errors.ts';
import type { Runner } from './main.ts';

interface Flags {
  out?: string;
  days: string;
  devices: string;
  seed: string;
  start: string;
  format: string;
  gzip?: boolean;
  zeekVersion: string;
  profile: string;
}

function whole(flag: string, text: string): number {
  if (!/^\d+$/.test(text.trim())) throw new UsageError(`${flag} must be a whole number (got ${text})`);
  return Number(text);
}

export function registerSimulate(program: Command, run: Runner): void {
  program
    .command('simulate')
    .description('write a synthetic hospital: Zeek logs, site.yaml, feeds and ground-truth.json')
    .requiredOption('--out <dir>', 'output directory (new, or an earlier simulation to replace)')
    .option('--days <n>', 'days to simulate', String(DEFAULTS.days))
    .option('--devices <n>', 'hospital hosts', String(DEFAULTS.devices))
    .option('--seed <s>', 'random seed: the same seed and flags give byte-identical output', DEFAULTS.seed)
    .option('--start <date>', 'first day (UTC), YYYY-MM-DD', DEFAULTS.start)
    .option('--format <f>', 'tsv or json', DEFAULTS.format)
    .option('--gzip', 'gzip each log file, as zeekctl archives them')
    .option('--zeek-version <v>', 'Zeek version whose log layout to write (pre-4.1: cert_chain_fuids + files.log)', DEFAULTS.zeekVersion)
    .option('--profile <p>', 'calibration profile: a built-in name or a JSON file', DEFAULTS.profile)
    .action(
      run(async (flags: Flags) => {
        if (flags.format !== 'tsv' && flags.format !== 'json') throw new UsageError(`--format must be tsv or json (got ${flags.format})`);
        const started = process.hrtime.bigint();
        const progress = process.stderr.isTTY ? (done: number, days: number) => process.stderr.write(`\rsimulate: day ${done}/${days}${done === days ? '\n' : ''}`) : undefined;
        const r = await simulate({
          out: flags.out!,
          days: whole('--days', flags.days),
          devices: whole('--devices', flags.devices),
          seed: flags.seed,
          start: flags.start,
          format: flags.format,
          gzip: flags.gzip ?? false,
          zeekVersion: flags.zeekVersion,
          profile: flags.profile,
        }, progress);
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        const total = Object.values(r.rows).reduce((a, b) => a + b, 0);
        const perLog = Object.entries(r.rows)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ');
        process.stdout.write(
          [
            `simulated ${total} log rows (${perLog}) in ${r.files} files, ${seconds.toFixed(1)} s`,
            `logs:         ${r.logs}`,
            `site:         ${r.site}`,
            `feeds:        ${r.feeds} (${r.feedEntries.length} feeds, manifest.json)`,
            `ground truth: ${r.groundTruth}`,
            '',
          ].join('\n'),
        );
        return 0;
      }),
    );
}
