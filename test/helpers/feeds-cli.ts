// `dhai feeds …` run in-process, with the exit code main() would give and the output the command wrote.
import { Command, CommanderError } from 'commander';
import { registerFeeds } from '../../src/cli/feeds.ts';
import type { Runner } from '../../src/cli/main.ts';
import { UsageError } from '../../src/util/errors.ts';

export async function feedsCli(...args: string[]): Promise<{ code: number; out: string }> {
  let code = 0;
  let out = '';
  const program = new Command('dhai').exitOverride().configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
  const run: Runner = (fn) => async (...a) => {
    code = await fn(...a);
  };
  registerFeeds(program, run, { write: (s: string) => (out += s) });
  try {
    await program.parseAsync(['node', 'dhai', ...args]);
  } catch (e) {
    // as main() maps them
    if (e instanceof UsageError || e instanceof CommanderError) code = 2;
    else throw e;
  }
  return { code, out };
}
