/**
 * --kernel/--wg/--npi as a launch configuration: shared by `hash search`, `hash bench` and `run`
 * (and checked before any work by src/run/checks.ts). Pure: no device is opened.
 */
import { UsageError } from '../util/errors.js';
import { defaultLaunch, KERNELS, parseVariant, type LaunchConfig } from './kernels.js';

/** --kernel/--wg/--npi (and, for hash commands, --llvmpipe-width). */
export interface LaunchFlags {
  kernel?: string;
  wg?: number;
  npi?: number;
  llvmpipeWidth?: number;
}

/** A launch config from --kernel/--wg/--npi, or undefined (autotune / default). */
export function launchFromFlags(f: LaunchFlags, adapterMaxWg: number | null): LaunchConfig | undefined {
  if (f.kernel === undefined && f.wg === undefined && f.npi === undefined) return undefined;
  const variant = parseVariant(f.kernel ?? 'x1');
  if (f.npi !== undefined && !KERNELS[variant].usesNpi) {
    throw new UsageError(`--npi ${f.npi}: the ${variant} kernel evaluates one nonce per invocation and has no NPI; drop --npi or use --kernel x1, x2 or x4`);
  }
  const base = defaultLaunch(variant);
  const wg = f.wg ?? base.workgroupSize;
  if (adapterMaxWg !== null && wg > adapterMaxWg) throw new UsageError(`--wg ${wg}: this adapter allows at most ${adapterMaxWg} invocations per workgroup`);
  return { variant, workgroupSize: wg, valuesPerInvocation: f.npi ?? base.valuesPerInvocation };
}
