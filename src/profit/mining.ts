/**
 * Mining revenue from first principles: difficulty, subsidy, fees, pool fee, uptime.
 *
 * One block needs on average D·2^32 hashes. (Strictly D·2^48/65535, 1.0000153× more; every public
 * calculator and pool, e.g. Foundry's FPPS "PPS Base Amount", uses 2^32, so we do too, to match
 * published numbers: Foundry USA Pool FPPS FAQ, SEC exhibit May 2023; elektronics.dev "Hashprice".)
 */
import { BLOCK_INTERVAL_S } from './subsidy.js';

/** 2^32: hashes per unit of difficulty. */
export const HASHES_PER_DIFFICULTY = 4_294_967_296;
const SECONDS_PER_DAY = 86_400;

/** Network state that prices a hash. */
export interface ChainState {
  /** Network difficulty (dimensionless). */
  difficulty: number;
  /** Block subsidy, BTC. */
  subsidyBtc: number;
  /** Average transaction fees per block, BTC. */
  feesPerBlockBtc: number;
}

/** Expected BTC earned per hash (before pool fee and uptime): (S + F) / (D·2^32). */
export function btcPerHash(chain: ChainState): number {
  if (!(chain.difficulty > 0)) throw new RangeError(`difficulty must be > 0, got ${chain.difficulty}`);
  return (chain.subsidyBtc + chain.feesPerBlockBtc) / (chain.difficulty * HASHES_PER_DIFFICULTY);
}

/** Payout terms between the network and the miner. */
export interface PayoutTerms {
  /** Pool fee as a fraction of revenue (0.02 = 2%). */
  poolFeeFraction: number;
  /** Fraction of the time the miners hash (curtailment, maintenance); 1 = always. */
  uptimeFraction: number;
}

/** Expected BTC per day for `hashesPerSecond`, after pool fee and uptime. */
export function btcPerDay(hashesPerSecond: number, chain: ChainState, terms: PayoutTerms = { poolFeeFraction: 0, uptimeFraction: 1 }): number {
  return hashesPerSecond * SECONDS_PER_DAY * btcPerHash(chain) * (1 - terms.poolFeeFraction) * terms.uptimeFraction;
}

/** Gross hashprice (no pool fee, full uptime) in BTC per TH/s per day. */
export function hashvalueBtcPerTHDay(chain: ChainState): number {
  return 1e12 * SECONDS_PER_DAY * btcPerHash(chain);
}

/** Hashprice (Luxor's definition: expected value of hashrate per day) in USD per TH/s per day. */
export function hashpriceUsdPerTHDay(chain: ChainState, btcPriceUsd: number): number {
  return hashvalueBtcPerTHDay(chain) * btcPriceUsd;
}

/** Hashprice in USD per PH/s per day (Luxor's Hashprice Index unit). */
export function hashpriceUsdPerPHDay(chain: ChainState, btcPriceUsd: number): number {
  return 1000 * hashpriceUsdPerTHDay(chain, btcPriceUsd);
}

/** Implied network hashrate (H/s) at the target block spacing: D·2^32 / 600. */
export function networkHashrateHps(difficulty: number): number {
  return (difficulty * HASHES_PER_DIFFICULTY) / BLOCK_INTERVAL_S;
}

/**
 * Energy-only break-even BTC price (USD): the price at which a day's mining revenue equals the
 * day's energy cost. Infinity when the device earns nothing.
 */
export function breakEvenBtcPriceUsd(energyCostUsdPerDay: number, btcEarnedPerDay: number): number {
  return btcEarnedPerDay > 0 ? energyCostUsdPerDay / btcEarnedPerDay : Infinity;
}
