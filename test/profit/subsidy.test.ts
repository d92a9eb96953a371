/**
 * Block subsidy exactly as Bitcoin Core's GetBlockSubsidy (validation.cpp):
 * 50 BTC in satoshis >> (height / 210,000), 0 from 64 halvings on.
 * References: the halving table in economics.md §1.4 (839,999 was the last 6.25 BTC block,
 * 840,000 mined 2024-04-20 paid 3.125; 1,050,000 pays 1.5625), Luxor's glossary (subsidy
 * halves "until block 6,930,000"), and the well-known total supply of 20,999,999.9769 BTC.
 */
import { describe, expect, it } from 'vitest';
import { blockSubsidyBtc, blockSubsidySats, meanSubsidyBtc, nextHalvingHeight } from '../../src/profit/subsidy.js';

describe('blockSubsidySats (GetBlockSubsidy)', () => {
  it.each([
    [0, 5_000_000_000],
    [209_999, 5_000_000_000],
    [210_000, 2_500_000_000],
    [839_999, 625_000_000],
    [840_000, 312_500_000],
    [1_049_999, 312_500_000],
    [1_050_000, 156_250_000],
    [1_260_000, 78_125_000],
    [6_929_999, 1],
    [6_930_000, 0],
    [13_440_000, 0], // 64 halvings: Core returns 0 explicitly (a >> 64 would be undefined in C++)
    [20_000_000, 0],
  ])('height %i pays %i sats', (h, sats) => {
    expect(blockSubsidySats(h)).toBe(sats);
  });

  it('matches the issue checkpoints in BTC', () => {
    expect(blockSubsidyBtc(839_999)).toBe(6.25);
    expect(blockSubsidyBtc(840_000)).toBe(3.125);
    expect(blockSubsidyBtc(1_050_000)).toBe(1.5625);
    expect(blockSubsidyBtc(6_930_000)).toBe(0);
  });

  it('sums to the known total supply of 2,099,999,997,690,000 sats', () => {
    let total = 0n;
    for (let era = 0; era < 70; era++) total += 210_000n * BigInt(blockSubsidySats(era * 210_000));
    expect(total).toBe(2_099_999_997_690_000n);
  });

  it('rejects negative and fractional heights', () => {
    expect(() => blockSubsidySats(-1)).toThrow(RangeError);
    expect(() => blockSubsidySats(1.5)).toThrow(RangeError);
  });
});

describe('halving helpers', () => {
  it('nextHalvingHeight', () => {
    expect(nextHalvingHeight(976_224)).toBe(1_050_000);
    expect(nextHalvingHeight(1_050_000)).toBe(1_260_000);
    expect(nextHalvingHeight(0)).toBe(210_000);
  });

  it('meanSubsidyBtc weights each side of a halving by its blocks', () => {
    // 1,000 blocks before 1,050,000 at 3.125 and 3,000 after at 1.5625.
    expect(meanSubsidyBtc(1_049_000, 4_000)).toBeCloseTo((1_000 * 3.125 + 3_000 * 1.5625) / 4_000, 12);
    expect(meanSubsidyBtc(900_000, 4_000)).toBe(3.125);
  });
});
