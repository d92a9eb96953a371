/**
 * When each capex part of a use is paid, and what it is worth when the use starts earning. Pure.
 *
 * An AI-hall use is built for `c` whole months before it earns (construction). Its capex is not
 * all spent on day one:
 * - the building (the AI-hall retrofit) is paid in `c` equal monthly installments at the end of
 *   each construction month, as construction contracts bill it: monthly statements of the work
 *   done (FIDIC Conditions of Contract for Construction, "Red Book", Sub-Clause 14.3, interim
 *   payment after the end of each month);
 * - the GPUs and their servers (the devices) are delivered, and paid, at commissioning (month c):
 *   nobody buys a GPU fleet a year before the hall can power it;
 * - with no construction (c = 0) everything is paid today.
 * Interest during construction is then charged only on what was actually spent, from the month
 * it was paid to commissioning (IAS 23 "Borrowing Costs" ¶17–18: capitalisation applies to
 * expenditure incurred, "payments of cash", from the date it is incurred), at the use's own
 * discount rate (the cost of the capital tied up).
 */

/** One capex payment of a use: `month` months from today (t = month / 12 years). */
export interface CapexPayment {
  month: number;
  usd: number;
  part: 'retrofit' | 'devices';
}

/** The whole number of construction months, or a RangeError naming the value (months are the model's step). */
export function wholeMonths(constructionMonths: number): number {
  if (!(Number.isInteger(constructionMonths) && constructionMonths >= 0)) {
    throw new RangeError(`construction months must be a whole number ≥ 0, got ${constructionMonths}`);
  }
  return constructionMonths;
}

/**
 * Payments of a use's capex: the retrofit in `c` monthly installments at the end of months 1..c
 * (today when c = 0), the devices (GPUs, servers, ASICs) at month c. Parts of 0 are left out.
 */
export function capexSchedule(parts: { retrofitUsd: number; devicesUsd: number }, constructionMonths: number): CapexPayment[] {
  const c = wholeMonths(constructionMonths);
  const out: CapexPayment[] = [];
  if (parts.retrofitUsd > 0) {
    if (c === 0) out.push({ month: 0, usd: parts.retrofitUsd, part: 'retrofit' });
    else for (let k = 1; k <= c; k++) out.push({ month: k, usd: parts.retrofitUsd / c, part: 'retrofit' });
  }
  if (parts.devicesUsd > 0) out.push({ month: c, usd: parts.devicesUsd, part: 'devices' });
  return out;
}

/** Value at `month` of payments made before it, grown at `r` a year: Σ usd × (1 + r)^((month − m) / 12). */
export function valueAtMonth(payments: readonly CapexPayment[], r: number, month: number): number {
  let s = 0;
  for (const p of payments) s += p.usd * Math.pow(1 + r, (month - p.month) / 12);
  return s;
}

/**
 * Value at commissioning (month c) of a retrofit of `usd` paid in c monthly installments: the
 * retrofit with its interest during construction. (1/c) Σ_{k=1..c} (1 + r)^((c − k) / 12); `usd`
 * when c = 0.
 */
export function retrofitAtCommissioningUsd(usd: number, r: number, constructionMonths: number): number {
  const c = wholeMonths(constructionMonths);
  return valueAtMonth(capexSchedule({ retrofitUsd: usd, devicesUsd: 0 }, c), r, c);
}
