/**
 * Cost of capital, pure: the capital recovery factor, NPV, IRR and discounted payback of a stream
 * of end-of-period cash flows. One convention throughout: nominal, pre-tax, cash flow t at the end
 * of period t (t = 0 is today), no working capital.
 *
 * Formulas (Brealey, Myers & Allen, *Principles of Corporate Finance*, ch. 2, 5 and 6):
 *   AF(r, n)  = (1 − (1 + r)^−n) / r                 present value of 1 a period for n periods
 *   CRF(r, n) = r (1 + r)^n / ((1 + r)^n − 1) = 1/AF  level charge that repays 1 with interest r
 *   NPV(r)    = Σ_t CF_t / (1 + r)^t
 *   IRR       = r such that NPV(r) = 0
 *   discounted payback = first T with Σ_{t≤T} CF_t / (1 + r)^t ≥ 0
 * CRF(10 %, 10) = 0.16275 (Wikipedia, "Capital recovery factor"). At r = 0 the CRF is 1/n: the
 * capital charge is straight-line depreciation, and NPV is the plain sum.
 */

/** Present value of 1 a period for `n` periods at rate `r` (n/1 when r = 0). */
export function annuityFactor(r: number, n: number): number {
  if (!(n > 0)) throw new RangeError(`annuity life must be > 0 periods, got ${n}`);
  if (r === 0) return n;
  return (1 - Math.pow(1 + r, -n)) / r;
}

/** Capital recovery factor: the level payment per period that repays 1 over `n` periods at `r`. */
export function capitalRecoveryFactor(r: number, n: number): number {
  if (!(r > -1)) throw new RangeError(`discount rate must be > −1, got ${r}`);
  return 1 / annuityFactor(r, n);
}

/** Net present value at `r` of cash flows `cf[t]` at the end of period t (cf[0] is today's). */
export function npv(r: number, cf: readonly number[]): number {
  let s = 0;
  let d = 1;
  for (let t = 0; t < cf.length; t++) {
    if (t > 0) d /= 1 + r;
    s += cf[t]! * d;
  }
  return s;
}

/**
 * Internal rate of return: the rate in (−99 %, 1000 %) at which NPV = 0, found by bisection on a
 * bracket where NPV changes sign. Null when the flows never change sign (no IRR) or NPV does not
 * cross zero in that range. For a conventional project (outflows first, then inflows) NPV falls
 * with r, so the root is unique; for others the lowest root is returned.
 */
export function irr(cf: readonly number[]): number | null {
  if (!cf.some((x) => x > 0) || !cf.some((x) => x < 0)) return null;
  // Scan for the first sign change on a grid (log-spaced in 1 + r), then bisect it.
  const grid: number[] = [];
  for (let i = 0; i <= 400; i++) grid.push(Math.exp(Math.log(0.01) + (i / 400) * (Math.log(11) - Math.log(0.01))) - 1);
  let lo = grid[0]!;
  let fLo = npv(lo, cf);
  for (const hi of grid.slice(1)) {
    const fHi = npv(hi, cf);
    if (fLo === 0) return lo;
    if (Math.sign(fLo) !== Math.sign(fHi)) return bisect((r) => npv(r, cf), lo, hi, fLo);
    lo = hi;
    fLo = fHi;
  }
  return null;
}

/** Root of `f` in [lo, hi] (f(lo) and f(hi) of opposite signs), to 1e-12 in the argument. */
export function bisect(f: (x: number) => number, lo: number, hi: number, fLo = f(lo)): number {
  let a = lo;
  let b = hi;
  let fa = fLo;
  for (let i = 0; i < 200 && b - a > 1e-12 * Math.max(1, Math.abs(a)); i++) {
    const m = (a + b) / 2;
    const fm = f(m);
    if (fm === 0) return m;
    if (Math.sign(fm) === Math.sign(fa)) {
      a = m;
      fa = fm;
    } else b = m;
  }
  return (a + b) / 2;
}

/**
 * Discounted payback in periods: the first T at which the cumulative discounted cash flow reaches
 * 0, interpolated linearly inside the period where it crosses (cash taken as earned evenly through
 * the period). Null when it never does within the flows given.
 */
export function discountedPayback(r: number, cf: readonly number[]): number | null {
  let cum = 0;
  let d = 1;
  for (let t = 0; t < cf.length; t++) {
    if (t > 0) d /= 1 + r;
    const pv = cf[t]! * d;
    const next = cum + pv;
    if (next >= 0 && (t > 0 || cf[0]! >= 0)) {
      if (t === 0 || pv <= 0) return t;
      return t - 1 + -cum / pv;
    }
    cum = next;
  }
  return null;
}

/** One capex part and its life, for the capital charge. */
export interface CapexPart {
  usd: number;
  years: number;
  /** Value recovered at the end of its life (resale), USD; default 0. */
  salvageUsd?: number;
}

/**
 * Level capital charge per year of capex parts at rate `r`: Σ (C − S·(1+r)^−n) × CRF(r, n) for
 * each part of cost C, life n and salvage S (the equivalent annual cost of owning it, Brealey,
 * Myers & Allen ch. 6). At r = 0 and no salvage it is straight-line depreciation Σ C/n.
 */
export function capitalChargeUsdPerYear(r: number, parts: readonly CapexPart[]): number {
  let s = 0;
  for (const p of parts) {
    if (!(p.usd > 0)) continue;
    const salvage = p.salvageUsd ?? 0;
    s += (p.usd - salvage * Math.pow(1 + r, -p.years)) * capitalRecoveryFactor(r, p.years);
  }
  return s;
}
