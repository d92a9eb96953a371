/**
 * Cost of capital, pure: the capital recovery factor, NPV, IRR and discounted payback of a stream
 * of cash flows, either end-of-period (`cf[t]` at the end of period t, t = 0 is today) or dated
 * (`{ tYears, usd }`: a capex payment in month m is at m / 12 years). One convention throughout:
 * nominal, pre-tax, no working capital.
 *
 * Formulas (Brealey, Myers & Allen, *Principles of Corporate Finance*, ch. 2, 5 and 6):
 *   AF(r, n)  = (1 − (1 + r)^−n) / r                 present value of 1 a period for n periods
 *   CRF(r, n) = r (1 + r)^n / ((1 + r)^n − 1) = 1/AF  level charge that repays 1 with interest r
 *   NPV(r)    = Σ_i CF_i / (1 + r)^(t_i)              (t_i in years; t_i = i for end-of-year flows)
 *   IRR       = r such that NPV(r) = 0
 *   discounted payback = first T with Σ_{t_i ≤ T} CF_i / (1 + r)^(t_i) ≥ 0
 * CRF(10 %, 10) = 0.16275 (Wikipedia, "Capital recovery factor"). At r = 0 the CRF is 1/n: the
 * capital charge is straight-line depreciation, and NPV is the plain sum. Dated flows are what a
 * spreadsheet's XNPV/XIRR discount (fractional years at the annual rate).
 */

/** A cash flow at a date: `tYears` from today (month m = m / 12), USD (negative = paid out). */
export interface DatedFlow {
  tYears: number;
  usd: number;
  /** For an operating flow booked at the end of a year: when in the year its cash began to be earned (evenly until tYears), for the payback's interpolation. */
  earnedFromYears?: number;
}

/** End-of-period flows `cf[t]` as dated flows (t years from today). */
export function datedOf(cf: readonly number[]): DatedFlow[] {
  return cf.map((usd, t) => ({ tYears: t, usd, earnedFromYears: Math.max(0, t - 1) }));
}

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

/** Net present value at `r` of dated flows: Σ usd × (1 + r)^−tYears. */
export function npvDated(r: number, flows: readonly DatedFlow[]): number {
  let s = 0;
  for (const f of flows) s += f.usd * Math.pow(1 + r, -f.tYears);
  return s;
}

/**
 * Internal rate of return: the rate in (−99 %, 1000 %) at which NPV = 0, found by bisection on a
 * bracket where NPV changes sign. Null when the flows never change sign (no IRR) or NPV does not
 * cross zero in that range. For a conventional project (outflows first, then inflows) NPV falls
 * with r, so the root is unique; for others the lowest root is returned.
 */
export function irr(cf: readonly number[]): number | null {
  return irrDated(datedOf(cf));
}

/** IRR of dated flows (see irr()). */
export function irrDated(flows: readonly DatedFlow[]): number | null {
  if (!flows.some((x) => x.usd > 0) || !flows.some((x) => x.usd < 0)) return null;
  // Scan for the first sign change on a grid (log-spaced in 1 + r), then bisect it.
  const f = (r: number) => npvDated(r, flows);
  let lo = 0.01 - 1;
  let fLo = f(lo);
  for (let i = 1; i <= 400; i++) {
    const hi = Math.exp(Math.log(0.01) + (i / 400) * (Math.log(11) - Math.log(0.01))) - 1;
    const fHi = f(hi);
    if (fLo === 0) return lo;
    if (Math.sign(fLo) !== Math.sign(fHi)) return bisect(f, lo, hi, fLo);
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
  return discountedPaybackDated(r, datedOf(cf));
}

/**
 * Discounted payback of dated flows, in years from today: flows in date order, the cumulative
 * present value; the flow that takes it to ≥ 0 is taken as earned evenly from its
 * `earnedFromYears` (default: its own date) to its date. Null when it never does.
 */
export function discountedPaybackDated(r: number, flows: readonly DatedFlow[]): number | null {
  if (!flows.some((f) => f.usd < 0)) return flows.length ? 0 : null;
  const sorted = [...flows].sort((a, b) => a.tYears - b.tYears);
  let cum = 0;
  let last = 0;
  for (const f of sorted) {
    const pv = f.usd * Math.pow(1 + r, -f.tYears);
    if (cum < 0 && pv > 0 && cum + pv >= 0) {
      const from = Math.max(last, Math.min(f.earnedFromYears ?? f.tYears, f.tYears));
      return from + (f.tYears - from) * (-cum / pv);
    }
    cum += pv;
    last = f.tYears;
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
