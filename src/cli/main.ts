// The `dhai` command line: commander wires one file per command; errors become one line and an exit code.
import { Command, CommanderError } from 'commander';
import { UsageError } from '../util/errors.ts';
import { VERSION } from '../version.ts';
import { registerInit } from './init.ts';
import { registerIngest } from './ingest.ts';
import { registerSimulate } from './simulate.ts';
import { registerFeeds } from './feeds.ts';
import { registerReport } from './report.ts';
import { registerServe } from './serve.ts';
import { registerBaseline } from './baseline.ts';
import { registerExport } from './export.ts';
import { registerCompare } from './compare.ts';

/** Exit codes (cli.md): 0 success, 1 finished with problems above a threshold, 2 usage or configuration error. */
export const EXIT = { ok: 0, problems: 1, usage: 2 } as const;

/** A command action returns its exit code; main() turns thrown errors into codes and one-line messages. */
export type CommandResult = Promise<number>;

export function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command('dhai')
    .description('Security posture of a hospital network from passive Zeek logs (after the D-HAI study)')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ outputError: (s, write) => write(s) });
  const run =
    <A extends unknown[]>(fn: (...args: A) => CommandResult) =>
    async (...args: A) => {
      setExit(await fn(...args));
    };
  registerInit(program, run);
  registerIngest(program, run);
  registerSimulate(program, run);
  registerFeeds(program, run);
  registerReport(program, run);
  registerServe(program, run);
  registerBaseline(program, run);
  registerExport(program, run);
  registerCompare(program, run);
  return program;
}

export type Runner = <A extends unknown[]>(fn: (...args: A) => CommandResult) => (...args: A) => Promise<void>;

export async function main(argv: string[]): Promise<number> {
  let code: number = EXIT.ok;
  const program = buildProgram((c) => (code = c));
  try {
    await program.parseAsync(argv);
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      // help and version exit 0; commander has already printed its own one-line error otherwise
      return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (e instanceof UsageError) {
      process.stderr.write(`dhai: ${e.message}\n`);
      return EXIT.usage;
    }
    const err = e as NodeJS.ErrnoException;
    process.stderr.write(`dhai: ${err.code ? `${err.code}: ` : ''}${err.message}\n`);
    if (process.env.DHAI_DEBUG) process.stderr.write(`${err.stack ?? ''}\n`);
    return EXIT.problems;
  }
}
