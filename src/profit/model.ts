/**
 * Site profitability: what each use of a site's power earns, per device and per MW.
 *
 * Pure functions, no I/O. Inputs are plain numbers (their provenance is tracked by the caller,
 * see inputs.ts). Conventions:
 * - Device power `powerW` is IT power at the device (GPU board × server overhead + host W, then,
 *   in the AI hall, network and storage as a share of critical IT; or an ASIC at the wall).
 * - Site power = IT power × PUE of the hall (mining hall vs AI hall).
 * - "Per MW" means per MW of site power (IT + cooling/overhead): units per MW = 1e6 / (W × PUE).
 * - profit = revenue − energy cost (what mining calculators call profit; its break-even power
 *   price is Braiins' `fiat_break_even_electricity_price`).
 * - margin before capex = profit − opex (fixed by site power, and the use kind's share of sales);
 *   margin = margin before capex − depreciation of every capex the use needs (capex parity):
 *   ASICs; GPUs with their server share; the AI-hall retrofit for uses in the AI hall. A use whose
 *   capex is unknown has no margin (null), never a margin that silently leaves its capex out.
 * - Cost of capital: each capex part is charged capex × CRF(r, life) (net of its discounted
 *   resale); the margin after capital charge (an equivalent annual annuity, so uses with different
 *   lives compare fairly) ranks the uses. Each use is also a project with NPV, IRR and discounted
 *   payback over its horizon (project-finance.ts).
 * - Interruptible uses (ASIC and GPU mining) lose the site's curtailment hours and earn its
 *   curtailment credit; with operator dispatch they also switch off when their revenue is below
 *   the power cost. AI uses and leases sell firm capacity (SLA uptime) and are not curtailed.
 * - A measured figure that does not match what a price is for (model, GPU, a software adapter) is
 *   a row with `priced: false` and the reason, never a number.
 */
import { hashpriceUsdPerPHDay, hashpriceUsdPerTHDay, networkHashrateHps, type ChainState } from './mining.js';
import { aiRow, asicRow, checkPositive, gpuMiningRow, idleOf, leaseRow, withDevice, type Ctx } from './use-rows.js';
import { withProject } from './project-finance.js';
import type { Comparison, ComparisonInput, ComparisonRow, PricedRow } from './model-types.js';

export * from './model-types.js';
export { unitEconomics, scaleUnit, type UnitInput } from './unit-economics.js';
export { leaseRow } from './use-rows.js';

/**
 * Compare the uses of a site's power: each reference ASIC, GPU mining (measured hash rate), GPU
 * inference (serving figure priced per token), GPU rental (per GPU-hour) and a colocation lease of
 * the AI hall. Rows are per device, per MW of site power and for the whole site; a measured figure
 * its price is not for is a row with `priced: false`. Each priced row carries its project (NPV,
 * IRR, discounted payback) at its kind's discount rate (`projects: false` leaves them null, for
 * sweeps that read margins only; `'npv'` computes the NPV alone, for sweeps that rank).
 */
export function siteComparison(input: ComparisonInput, opts: { projects?: boolean | 'npv' } = {}): Comparison {
  const { hash, infer, site, market } = input;
  checkPositive('difficulty', market.difficulty);
  if (site.miningPue < 1 || site.aiPue < 1) throw new RangeError('PUE must be ≥ 1');
  const chain: ChainState = { difficulty: market.difficulty, subsidyBtc: market.subsidyBtc, feesPerBlockBtc: market.feesPerBlockBtc };
  const ctx: Ctx = { site, market, chain };
  const rows: ComparisonRow[] = [];
  for (const a of site.asics) rows.push(asicRow(a, ctx));
  if (hash) rows.push(gpuMiningRow(hash, ctx));
  if (infer) {
    const label = withDevice('GPU inference ($/Mtok)', [infer.model, infer.device].filter(Boolean).join(' on ') || null);
    const jPerToken = (serverW: number) => ({ value: infer.tokensPerSecond > 0 ? serverW / infer.tokensPerSecond : Infinity, unit: 'J/token' as const });
    rows.push(aiRow('gpu-inference-tokens', infer, label, () => infer.tokensPerSecond * 86_400 * site.utilizationFraction * (market.usdPerMTok / 1e6), jPerToken, ctx));
  }
  const rental = input.rental;
  if (rental && market.usdPerGpuHour !== null) {
    const price = market.usdPerGpuHour;
    rows.push(aiRow('gpu-rental', rental, withDevice('GPU rental ($/GPU-h)', rental.device ?? rental.gpu), () => price * 24 * site.utilizationFraction, () => null, ctx));
  }
  if (input.lease) rows.push(leaseRow(input.lease, site));
  const months = site.constructionMonths ?? 0;
  return {
    chain,
    btcPriceUsd: market.btcPriceUsd,
    hashpriceUsdPerTHDay: hashpriceUsdPerTHDay(chain, market.btcPriceUsd),
    hashpriceUsdPerPHDay: hashpriceUsdPerPHDay(chain, market.btcPriceUsd),
    networkHashrateHps: networkHashrateHps(market.difficulty),
    idle: idleOf(site),
    rows: opts.projects === false ? rows : rows.map((r) => (r.priced ? withProject(r, { discountRate: r.discountRate, constructionMonths: months }, null, opts.projects === 'npv') : r)),
  };
}

/** The priced rows of a comparison. */
export function pricedRows(rows: readonly ComparisonRow[]): PricedRow[] {
  return rows.filter((r): r is PricedRow => r.priced);
}
