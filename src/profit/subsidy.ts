/**
 * Bitcoin block subsidy and halving schedule, exactly as Bitcoin Core computes it.
 *
 * Bitcoin Core `GetBlockSubsidy` (src/validation.cpp):
 *   halvings = nHeight / consensusParams.nSubsidyHalvingInterval;   // 210,000 on mainnet
 *   if (halvings >= 64) return 0;  // "Force block reward to zero when right shift is undefined."
 *   CAmount nSubsidy = 50 * COIN;  nSubsidy >>= halvings;
 * COIN = 100,000,000 satoshis. We use BigInt for the shift so it is exact for every height
 * (50·1e8 does not fit in 32 bits, so JavaScript's `>>` on numbers would be wrong).
 */

/** Satoshis per bitcoin (Bitcoin Core `COIN`). */
export const SATS_PER_BTC = 100_000_000;
/** Mainnet `nSubsidyHalvingInterval`. */
export const HALVING_INTERVAL_BLOCKS = 210_000;
/** Target block spacing (Bitcoin Core `nPowTargetSpacing`, 10 minutes). */
export const BLOCK_INTERVAL_S = 600;
/** Expected blocks per day at the target spacing. */
export const BLOCKS_PER_DAY = 86_400 / BLOCK_INTERVAL_S;

function checkHeight(heightBlocks: number): void {
  if (!Number.isSafeInteger(heightBlocks) || heightBlocks < 0) {
    throw new RangeError(`block height must be a non-negative integer, got ${heightBlocks}`);
  }
}

/** Block subsidy in satoshis at `heightBlocks` (GetBlockSubsidy). */
export function blockSubsidySats(heightBlocks: number): number {
  checkHeight(heightBlocks);
  const halvings = Math.floor(heightBlocks / HALVING_INTERVAL_BLOCKS);
  if (halvings >= 64) return 0;
  return Number((50n * BigInt(SATS_PER_BTC)) >> BigInt(halvings));
}

/** Block subsidy in BTC at `heightBlocks`. */
export function blockSubsidyBtc(heightBlocks: number): number {
  return blockSubsidySats(heightBlocks) / SATS_PER_BTC;
}

/** Height of the first block after the next halving strictly above `heightBlocks`. */
export function nextHalvingHeight(heightBlocks: number): number {
  checkHeight(heightBlocks);
  return (Math.floor(heightBlocks / HALVING_INTERVAL_BLOCKS) + 1) * HALVING_INTERVAL_BLOCKS;
}

/**
 * Mean subsidy (BTC) over the blocks [startHeight, startHeight + blocks), counting each block's
 * exact subsidy; `blocks` may be fractional (expected blocks in a period), the fractional last
 * block takes the subsidy at its height.
 */
export function meanSubsidyBtc(startHeightBlocks: number, blocks: number): number {
  checkHeight(startHeightBlocks);
  if (!(blocks > 0)) return blockSubsidyBtc(startHeightBlocks);
  let h = startHeightBlocks;
  const end = startHeightBlocks + blocks;
  let totalBtc = 0;
  while (h < end) {
    const segEnd = Math.min(end, nextHalvingHeight(h));
    totalBtc += (segEnd - h) * blockSubsidyBtc(h);
    h = segEnd;
    if (blockSubsidySats(Math.floor(h)) === 0) break; // zero from here on
  }
  return totalBtc / blocks;
}
