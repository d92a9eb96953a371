// Minimal typings for the parts of jstat (https://github.com/jstat/jstat) that joulebench uses.
declare module 'jstat' {
  export const jStat: {
    studentt: { inv(p: number, dof: number): number; cdf(x: number, dof: number): number };
    normal: { inv(p: number, mean: number, sd: number): number; cdf(x: number, mean: number, sd: number): number };
    noncentralt: { cdf(x: number, dof: number, ncp: number): number };
  };
}
