/**
 * Site profitability model (pure, no I/O): public API for `joulebench profit` and `joulebench run`.
 *
 * Typical use with measured numbers:
 *   const cmp = siteComparison({ hash: { hashesPerSecond, powerW }, infer: { tokensPerSecond, powerW }, site, market });
 *   process.stdout.write(formatComparison(cmp));
 * or resolve flags/site file/result file with provenance and build a full report:
 *   const rep = buildProfitReport(resolveProfitInputs({...}), { asOf, site, days, months, sensitivity });
 */
export * from './subsidy.js';
export * from './mining.js';
export * from './asics.js';
export * from './defaults.js';
export * from './provenance.js';
export * from './model.js';
export * from './projection.js';
export * from './sensitivity.js';
export * from './profile.js';
export * from './inputs.js';
export * from './report.js';
export * from './format.js';
export * from './decision.js';
export * from './options.js';
export * from './capex-schedule.js';
export * from './match.js';
export * from './pricing.js';
export * from './measurement.js';
export * from './finance.js';
export * from './project-finance.js';
export * from './switching.js';
export * from './flips.js';
export * from './host-overhead.js';
