// `dhai serve --db FILE [--port N] [--host H --token T]`: the local web UI until Ctrl-C. It reads the store's
// Parquet parts and never holds the store file, so an ingest can run meanwhile.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { loadSite } from '../config/site.ts';
import { loadBaseline } from '../report/baseline.ts';
import { startServer } from '../serve/server.ts';
import { UsageError } from '../util/errors.ts';
import { safeText } from '../util/terminal.ts';
import { resolveBaseline } from './report.ts';
import type { Runner } from './main.ts';
import { checkStoreKey, KEY_FILE_HELP, siteForStore } from './store-key.ts';

interface ServeFlags {
  db: string;
  port: string;
  host: string;
  token?: string;
  site?: string;
  baseline?: string;
  keyFile?: string;
}

export function registerServe(program: Command, run: Runner): void {
  program
    .command('serve')
    .description('local web UI: filter by dates, device class and device; drill from a figure to its rows')
    .requiredOption('--db <file>', 'the store (its Parquet parts are read; the store file is never held)')
    .option('--port <n>', 'TCP port (0: any free port)', '8470')
    .option('--host <address>', 'address to listen on; anything but loopback needs --token', '127.0.0.1')
    .option('--token <t>', 'require this token on every request (16+ characters; open the page as /?token=T). Plain HTTP: use it only on a network you trust')
    .option('--site <file>', 'site configuration (device classes for the filter)')
    .option('--baseline <file>', 'comparison baseline, or "paper"')
    .option('--key-file <file>', KEY_FILE_HELP)
    .action(run(async (flags: ServeFlags) => {
      const port = Number(flags.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0 to 65535 (got ${safeText(flags.port)})`);
      const site = flags.site ? loadSite(flags.site) : undefined;
      const siteSha256 = flags.site ? createHash('sha256').update(readFileSync(flags.site)).digest('hex') : null;
      const baseline = flags.baseline ? loadBaseline(resolveBaseline(flags.baseline)) : undefined;
      // serve never opens the store: its record is read here, once (a store held by an ingest cannot be read)
      const key = await checkStoreKey('dhai serve', flags.db, flags.keyFile);
      if (key.unknown) {
        process.stderr.write(`dhai: warning: store ${safeText(flags.db)} is in use by another process: whether it is pseudonymised could not be checked (if it is, restart dhai serve with --key-file when the ingest is done)\n`);
      }
      const analysisSite = siteForStore(site, key, (s) => process.stderr.write(s));
      const server = await startServer({ db: flags.db, host: flags.host, port, token: flags.token, site: analysisSite, siteSha256, baseline });
      process.stdout.write(`dhai serve: ${server.url}${flags.token ? '?token=…' : ''} (Ctrl-C to stop)\n`);
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await server.close();
      return 0;
    }));
}
