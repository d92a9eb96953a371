/**
 * joulebench CLI entry. Each command lives in its own module and registers itself here.
 * Exit codes: 0 ok, 1 runtime failure (or regression with --fail-on-regression), 2 bad input.
 */
import { Command, CommanderError } from 'commander';
import { UsageError } from '../util/errors.js';
import { NoAdapterError } from '../gpu/adapter.js';
import { toolVersion } from '../util/package.js';
import { registerRun } from './run.js';
import { registerDevices } from './devices.js';
import { registerHash } from './hash.js';
import { registerReport } from './report.js';
import { registerCompare } from './compare.js';
import { registerAb } from './ab.js';
import { registerProfit } from './profit.js';
import { registerPower } from './power.js';
import { registerInfer } from './infer.js';
import { registerFleet } from './fleet.js';
import { registerDoctor } from './doctor.js';
import { registerVerify } from './verify.js';

/** Collapse a message onto one line (error output is one line per error). */
export function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, ' ').trim();
}

/** `--adapter`: an index or a name substring; an empty value would silently mean "the default". */
function parseAdapterFlag(raw: string): string {
  if (raw.trim() === '') throw new UsageError("--adapter '': empty; give an adapter index or a name substring (see 'joulebench devices'), or leave the flag out for the default");
  return raw;
}

/** Build the program (exported for in-process CLI tests). */
export function buildProgram(): Command {
  const program = new Command();
  program
    .name('joulebench')
    .description('Hashes per joule vs tokens per joule on the same GPU, and what each earns per MW.')
    .version(toolVersion())
    .option('--adapter <index|substring>', "WebGPU adapter to use (see 'joulebench devices'); default: first hardware adapter, else the first one", parseAdapterFlag)
    // commander's own usage errors (unknown option, missing argument...) in the project's form:
    // one line, `joulebench: error:` prefix, no help dump (its "(Did you mean ...?)" joins the line).
    .configureOutput({ outputError: (str, write) => write(`joulebench: error: ${oneLine(str.replace(/^error:\s*/, ''))}\n`) })
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
  registerFleet(program);
  registerDoctor(program);
  registerVerify(program);
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
      process.stderr.write(`joulebench: error: ${oneLine(err.message)}\n`);
      return 2;
    }
    if (err instanceof NoAdapterError) {
      process.stderr.write(`joulebench: error: ${oneLine(err.message)}\n`);
      return 1;
    }
    process.stderr.write(`joulebench: error: ${oneLine((err as Error)?.message ?? String(err))}\n`);
    if (process.env.JOULEBENCH_DEBUG) process.stderr.write(`${(err as Error)?.stack ?? ''}\n`);
    return 1;
  }
}
