/**
 * Properties of the site model over many random inputs (seeded, reproducible):
 * profit falls as the power price rises; at the break-even power price profit is zero; per-MW
 * rows are per-device rows scaled by devices per MW; higher BTC price never lowers mining profit;
 * every margin is the margin before capex minus the depreciation of all of the use's capex.
 */
import { describe, expect, it } from 'vitest';
import { pricedRows, siteComparison, type ComparisonInput } from '../../src/profit/model.js';
import { REFERENCE_ASICS } from '../../src/profit/asics.js';
import { seededRandom } from '../helpers.js';

const rng = seededRandom;

function randomInput(r: () => number): ComparisonInput {
  const u = (lo: number, hi: number) => lo + (hi - lo) * r();
  const logu = (lo: number, hi: number) => Math.exp(u(Math.log(lo), Math.log(hi)));
  return {
    hash: { hashesPerSecond: logu(1e6, 1e15), powerW: u(50, 5000) },
    infer: { tokensPerSecond: logu(1, 20_000), powerW: u(50, 1500) },
    rental: r() < 0.5 ? null : { gpu: 'GPU', powerW: u(50, 1500) },
    lease: r() < 0.5 ? null : { usdPerKwMonth: u(50, 250), loadFraction: u(0.3, 1), powerPaidBy: 'site' },
    site: {
      powerPriceUsdPerKWh: u(0, 0.3),
      miningPue: u(1, 1.5),
      aiPue: u(1, 1.6),
      powerCapacityMW: u(0.5, 300),
      uptimeFraction: u(0.5, 1),
      utilizationFraction: u(0, 1),
      fixedOpexUsdPerMWYear: u(0, 200_000),
      gpu: { capexUsd: r() < 0.5 ? null : u(1000, 50_000), serverCapexUsd: u(0, 20_000), depreciationYears: u(2, 7), serverOverheadFactor: u(1, 2) },
      asics: REFERENCE_ASICS.slice(0, 2).map((spec) => ({ spec, capexUsd: u(1000, 8000), depreciationYears: u(2, 5) })),
      curtailment: r() < 0.5 ? null : { hoursPerYear: u(0, 500), creditUsdPerMWh: u(0, 200) },
      retrofit: r() < 0.5 ? null : { capexUsdPerMW: u(0, 1e7), years: u(5, 15) },
    },
    market: {
      btcPriceUsd: logu(1000, 500_000),
      difficulty: logu(1e12, 1e15),
      subsidyBtc: [6.25, 3.125, 1.5625][Math.floor(r() * 3)]!,
      feesPerBlockBtc: u(0, 0.5),
      poolFeeFraction: u(0, 0.05),
      usdPerMTok: u(0, 2),
      usdPerGpuHour: r() < 0.5 ? null : u(0.5, 6),
    },
  };
}

const N = 200;

describe('site model properties', () => {
  it('profit and margin fall strictly as the power price rises (every row, per device and per MW)', () => {
    const r = rng(6);
    for (let i = 0; i < N; i++) {
      const base = randomInput(r);
      const p1 = base.site.powerPriceUsdPerKWh;
      const p2 = p1 + 0.001 + r() * 0.2;
      const a = pricedRows(siteComparison(base).rows);
      const b = pricedRows(siteComparison({ ...base, site: { ...base.site, powerPriceUsdPerKWh: p2 } }).rows);
      for (const [k, ra] of a.entries()) {
        const rb = b[k]!;
        expect(rb.id).toBe(ra.id);
        expect(rb.perUnit.profitUsdPerDay, `seed 6 #${i} ${ra.id}`).toBeLessThan(ra.perUnit.profitUsdPerDay);
        expect(rb.perMW.profitUsdPerDay).toBeLessThan(ra.perMW.profitUsdPerDay);
        if (ra.perMW.marginUsdPerYear !== null) expect(rb.perMW.marginUsdPerYear!).toBeLessThan(ra.perMW.marginUsdPerYear);
        else expect(rb.perMW.marginUsdPerYear).toBeNull();
        expect(rb.perUnit.revenueUsdPerDay).toBe(ra.perUnit.revenueUsdPerDay);
      }
    }
  });

  it('at the break-even power price, profit is zero (and all-in break-even zeroes the margin)', () => {
    const r = rng(7);
    for (let i = 0; i < N; i++) {
      const base = randomInput(r);
      for (const row of pricedRows(siteComparison(base).rows)) {
        const find = (p: number) => pricedRows(siteComparison({ ...base, site: { ...base.site, powerPriceUsdPerKWh: p } }).rows).find((x) => x.id === row.id)!;
        if (!Number.isFinite(row.perUnit.breakEvenUsdPerKWh)) continue; // no energy billed: the power price does not matter
        const atBE = find(row.perUnit.breakEvenUsdPerKWh);
        const scale = Math.max(1, row.perUnit.revenueUsdPerDay);
        expect(Math.abs(atBE.perUnit.profitUsdPerDay) / scale).toBeLessThan(1e-12);
        expect(Math.abs(atBE.perMW.profitUsdPerDay) / (scale * row.unitsPerMW)).toBeLessThan(1e-12);
        // The all-in break-even may be negative (depreciation larger than revenue); the identity still holds.
        if (row.perUnit.breakEvenAllInUsdPerKWh === null) continue;
        const atAll = find(row.perUnit.breakEvenAllInUsdPerKWh);
        expect(Math.abs(atAll.perUnit.marginUsdPerDay!) / scale).toBeLessThan(1e-9);
      }
    }
  });

  it('per-MW rows are per-device rows × devices per MW, and devices per MW = 1e6 / (W × PUE)', () => {
    const r = rng(8);
    for (let i = 0; i < 100; i++) {
      const base = randomInput(r);
      for (const row of pricedRows(siteComparison(base).rows)) {
        expect(row.unitsPerMW * row.perUnit.sitePowerW).toBeCloseTo(1e6, 6);
        expect(row.perMW.revenueUsdPerDay).toBeCloseTo(row.perUnit.revenueUsdPerDay * row.unitsPerMW, 6);
        expect(row.perMW.sitePowerW).toBeCloseTo(1e6, 6);
        expect(row.site.revenueUsdPerDay).toBeCloseTo(row.perMW.revenueUsdPerDay * base.site.powerCapacityMW, 4);
      }
    }
  });

  it('mining profit rises with BTC price; inference profit rises with token price', () => {
    const r = rng(9);
    for (let i = 0; i < 100; i++) {
      const base = randomInput(r);
      const up = pricedRows(siteComparison({ ...base, market: { ...base.market, btcPriceUsd: base.market.btcPriceUsd * 1.1, usdPerMTok: base.market.usdPerMTok + 0.01 } }).rows);
      const a = pricedRows(siteComparison(base).rows);
      for (const [k, ra] of a.entries()) {
        const ru = up[k]!;
        if (ra.kind === 'gpu-rental' || ra.kind === 'hosting-lease') expect(ru.perUnit.profitUsdPerDay).toBe(ra.perUnit.profitUsdPerDay);
        else if (ra.kind === 'gpu-inference-tokens' && base.site.utilizationFraction === 0) expect(ru.perUnit.profitUsdPerDay).toBe(ra.perUnit.profitUsdPerDay);
        else expect(ru.perUnit.profitUsdPerDay).toBeGreaterThan(ra.perUnit.profitUsdPerDay);
      }
    }
  });

  it('capex in every margin: margin = margin before capex − (device + server)/life − retrofit/retrofit life; unknown capex → no margin', () => {
    const r = rng(10);
    for (let i = 0; i < 200; i++) {
      const base = randomInput(r);
      for (const row of pricedRows(siteComparison(base).rows)) {
        const e = row.perUnit;
        const ctx = `seed 10 #${i} ${row.id}`;
        expect(e.cashUsdPerDay, ctx).toBeCloseTo(e.revenueUsdPerDay - e.energyCostUsdPerDay - e.fixedOpexUsdPerDay, 6);
        if (e.capexParts.deviceUsd === null) {
          expect(e.marginUsdPerDay, ctx).toBeNull();
          expect(e.paybackDays, ctx).toBeNull();
          continue;
        }
        const years = row.kind === 'asic-mining' ? base.site.asics.find((a) => `asic:${a.spec.id}` === row.id)!.depreciationYears : base.site.gpu.depreciationYears;
        const retrofitYears = base.site.retrofit?.years ?? 1;
        const dep = (e.capexParts.deviceUsd + e.capexParts.serverUsd) / (years * 365) + e.capexParts.retrofitUsd / (retrofitYears * 365);
        if (row.kind !== 'hosting-lease') expect(e.marginUsdPerDay!, ctx).toBeCloseTo(e.cashUsdPerDay - dep, 6);
        // AI-hall uses carry the retrofit, mining uses do not.
        if (row.hall === 'mining') expect(e.capexParts.retrofitUsd, ctx).toBe(0);
        else if (base.site.retrofit && base.site.retrofit.capexUsdPerMW > 0) expect(e.capexParts.retrofitUsd, ctx).toBeGreaterThan(0);
        if (row.kind === 'gpu-mining' || row.kind === 'gpu-inference-tokens' || row.kind === 'gpu-rental') expect(e.capexParts.serverUsd, ctx).toBe(base.site.gpu.serverCapexUsd);
        expect(e.capexUsd!, ctx).toBeCloseTo(e.capexParts.deviceUsd + e.capexParts.serverUsd + e.capexParts.retrofitUsd, 6);
      }
    }
  });
});
