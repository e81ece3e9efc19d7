// `dhai init`: write a commented example site configuration to start from.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { UsageError } from '../util/errors.ts';
import type { Runner } from './main.ts';

const EXAMPLE = new URL('../config/example-site.yaml', import.meta.url);

export function registerInit(program: Command, run: Runner): void {
  program
    .command('init')
    .description('write a commented example site configuration')
    .option('--out <file>', 'where to write it', 'site.yaml')
    .option('--force', 'overwrite an existing file')
    .action(run(async (flags: { out: string; force?: boolean }) => {
      if (existsSync(flags.out) && !flags.force) throw new UsageError(`${flags.out} exists (use --force to overwrite)`);
      writeFileSync(flags.out, readFileSync(EXAMPLE, 'utf8'));
      process.stdout.write(`wrote ${flags.out}: edit the networks, device classes and domains, then pass it with --site\n`);
      return 0;
    }));
}
