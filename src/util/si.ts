/** Engineering notation with SI prefix: 19.8 M, 310, 4.1 k. */
export function si(x: number | null | undefined, digits = 3): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return 'n/a';
  const units = ['', 'k', 'M', 'G', 'T', 'P', 'E'];
  let i = 0;
  let v = Math.abs(x);
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${(Math.sign(x) * v).toPrecision(digits)}${units[i] ? ` ${units[i]}` : ' '}`;
}
