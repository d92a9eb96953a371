/**
 * A site's GPU prices (the GPU-hour contract price and the per-GPU capex) are for the GPU the site
 * plans to run, not for a software rasterizer (Mesa llvmpipe) whose CPU timings a result file may
 * hold. Printing an H100 rental row or an H100 payback next to llvmpipe figures would pass a
 * contract price and a purchase price off as consequences of what was measured, so both are left
 * out (with a warning) when the measured figures come from a software adapter. Energy cost and
 * profit of the measured figures stay. `joulebench run` applies the same rule (src/cli/run.ts).
 */
import type { SiteProfile } from './profile.js';

/** The profile without `inference.usdPerGpuHour` and `gpu.capexUsd`, and the warnings saying so. */
export function withoutSiteGpuPrices(profile: SiteProfile, adapterName: string): { profile: SiteProfile; warnings: string[] } {
  const warnings: string[] = [];
  let p = profile;
  const gpuName = profile.gpu?.name ?? 'its GPU';
  if (p.inference?.usdPerGpuHour) {
    const { usdPerGpuHour: _dropped, ...inference } = p.inference;
    p = { ...p, inference };
    warnings.push(`GPU-hour rental row left out: the site's contract price is for ${gpuName}, and the figures were measured on a software adapter (${adapterName}); pass --usd-per-gpu-hour to price it anyway`);
  }
  if (p.gpu?.capexUsd) {
    const { capexUsd: _capex, ...gpu } = p.gpu;
    p = { ...p, gpu };
    warnings.push(`GPU capex, depreciation and payback left out: the site's capex is for ${gpuName}, not the software adapter measured here (${adapterName})`);
  }
  return { profile: p, warnings };
}
