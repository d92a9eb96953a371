/**
 * Number formats shared by the profit text output and the verdict line: thousands separators for
 * large values, 3 significant digits for small ones, a real minus sign.
 */

/** Format a number with a sensible precision: thousands separators for large, 3 significant digits for small. */
export function fmtNum(x: number | null | undefined, opts: { maxFrac?: number } = {}): string {
  if (x === null || x === undefined) return '—';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  const a = Math.abs(x);
  if (a === 0) return '0';
  if (a >= 1e15 || a < 1e-6) return x.toExponential(3);
  if (a >= 1000) return x.toLocaleString('en-US', { maximumFractionDigits: 0 });
  if (a >= 1) return x.toLocaleString('en-US', { maximumFractionDigits: opts.maxFrac ?? 2 });
  return x.toPrecision(3).replace(/0+$/, '').replace(/\.$/, '');
}

/** Format USD: "$1,234", "−$0.1"; millions as "$37.3 M" when `compact`. */
export function fmtUsd(x: number | null | undefined, opts: { compact?: boolean } = {}): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return fmtNum(x);
  const a = Math.abs(x);
  const body = opts.compact && a >= 1e6 ? `${fmtNum(a / 1e6, { maxFrac: a >= 1e8 ? 0 : 1 })} M` : fmtNum(a);
  return `${x < 0 ? '−' : ''}$${body}`;
}
