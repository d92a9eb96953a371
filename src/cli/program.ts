/**
 * joulebench CLI entry. Each command lives in its own module and registers itself here.
 * Exit codes: 0 ok, 1 runtime failure (or regression with --fail-on-regression), 2 bad input.
 */
import { Command, CommanderError } from 'commander';
import { UsageError } from '../util/errors.js';
import { NoAdapterError } from '../gpu/adapter.js';
import { toolVersion } from '../report/environment.js';
import { registerRun } from './run.js';
import { registerDevices } from './devices.js';
import { registerHash } from './hash.js';
import { registerReport } from './report.js';
import { registerCompare } from './compare.js';
import { registerAb } from './ab.js';
import { registerProfit } from './profit.js';
import { registerPower } from './power.js';
import { registerInfer } from './infer.js';

/** Build the program (exported for in-process CLI tests). */
export function buildProgram(): Command {
  const program = new Command();
  program
    .name('joulebench')
    .description('Hashes per joule vs tokens per joule on the same GPU, and what each earns per MW.')
    .version(toolVersion())
    .option('--adapter <index|substring>', "WebGPU adapter to use (see 'joulebench devices'); default: first hardware adapter, else the first one")
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerRun(program);
  registerDevices(program);
  registerHash(program);
  registerReport(program);
  registerCompare(program);
  registerAb(program);
  registerProfit(program);
  registerPower(program);
  registerInfer(program);
  return program;
}

/** Run the CLI and exit with the right code. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      return 2; // commander already printed the one-line error
    }
    if (err instanceof UsageError) {
      process.stderr.write(`joulebench: error: ${err.message}\n`);
      return 2;
    }
    if (err instanceof NoAdapterError) {
      process.stderr.write(`joulebench: error: ${err.message}\n`);
      return 1;
    }
    process.stderr.write(`joulebench: error: ${(err as Error)?.message ?? String(err)}\n`);
    if (process.env.JOULEBENCH_DEBUG) process.stderr.write(`${(err as Error)?.stack ?? ''}\n`);
    return 1;
  }
}





