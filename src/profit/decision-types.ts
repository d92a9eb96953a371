/**
 * The decision block's type, apart from the code that computes it (src/profit/decision.ts) and the
 * code that words it (src/profit/verdict-line.ts), so neither imports the other.
 */
import type { UseMargin } from './options.js';
import type { Split, SwitchProject } from './switching.js';

/** The decision block of a profit report. */
export interface Decision {
  /** The default cost of capital (kinds without their own hurdle rate), fraction per year. */
  discountRate: number;
  /** 'snapshot' (today's inputs) or 'projection' (the projected cash, continued to each use's horizon). */
  basis: 'snapshot' | 'projection';
  /** The option the verdict picks (a use id, the current use, or 'idle'), or null when nothing could be compared. */
  bestUseId: string | null;
  /** What the site does today (the reference ASIC unless --current-use). */
  currentUseId: string | null;
  /** Every option, the verdict first (value-creating first, within the budget), then those over the budget. */
  uses: UseMargin[];
  /** True when no use (new or kept) creates value at its hurdle rate: only leaving the power unused (or reselling it) does not destroy value. */
  everyUseDestroysValue: boolean;
  /** Uses left out of the verdict and why (not priced, capex unknown, over the budget). */
  excluded: { id: string; label: string; reason: string }[];
  /** best − current rank per MW-day; 0 when the current use is best. */
  deltaMarginUsdPerMWDay: number | null;
  /** Capex per MW the switch needs (the best use's; 0 to sell and leave the power unused). */
  switchingCapexUsdPerMW: number | null;
  /** Net capex (less the fleet's resale) over the daily cash gain over staying (simple payback); 0 when the resale covers it; null when it never pays back or there is no switch. */
  switchingPaybackDays: number | null;
  /** The switch as a project: construction, ASIC resale, payback months and NPV gain. */
  switching: SwitchProject | null;
  /** Capex the owner can spend on the site; null = no limit. */
  capexBudgetUsd: number | null;
  /** Best split of the site's MW between the value-creating options under the budget (null without a site capacity). */
  split: Split | null;
  /** BTC price and hashprice at which the mining option's margin equals the best other option's (at today's difficulty: a snapshot figure). */
  miningParity: { miningUseId: string; rivalUseId: string; btcPriceUsd: number; hashpriceUsdPerPHDay: number; basis: 'snapshot' } | null;
  /** One line: the verdict. */
  headline: string;
}
