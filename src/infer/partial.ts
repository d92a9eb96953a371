/**
 * What an interrupted `infer bench` keeps (Ctrl-C: src/util/interrupt.ts). The phases stop after
 * the run in progress (src/infer/phase-windows.ts), so every figure here comes from runs that
 * completed; the measurement is marked `incomplete` with the reason, never passed off as a full one.
 */
import type { Energy, Measurement, Metric } from '../results/schema.js';
import { perJoule, perJouleBasis, perJouleReason } from '../power/monitor.js';
import { summaryToJson } from '../results/files.js';
import { summarize } from '../stats/summary.js';
import { interruptionOf } from '../util/interrupt.js';
import { InterruptedPhase, type BatchMeasurement } from './phase-windows.js';

/** The reason an interrupted bench that measured whole batches carries, or null when not interrupted. */
export function interruptedNote(signal: AbortSignal | undefined, measured: readonly BatchMeasurement[]): string | null {
  const sig = interruptionOf(signal);
  if (!sig) return null;
  const runs = measured.map((b) => `batch ${b.batch}: ${b.pp.runs} prefill(s), ${b.tg.runs} decode sequence(s)`).join('; ');
  return `interrupted by ${sig}: figures from the runs completed by then (${runs}), not from the full test`;
}

function metric(value: number | null, unit: string, higherIsBetter: boolean, method: string, extra: Partial<Metric> = {}): Metric {
  return { value, unit, higherIsBetter, method, ...extra };
}

/**
 * The measurement of a bench interrupted after the prefill test of its first batch and before any
 * decode test (`interrupted` is runSweep's): the prefill figures from the prefills timed, the decode
 * figures null with the reason. Interrupted earlier (nothing timed): rethrows the interruption.
 */
export function prefillOnlyMeasurement(
  interrupted: Error | null,
  x: { id: string; params: Measurement['params']; adapter: Measurement['adapter']; model: Record<string, unknown>; startedAt: Date; prompt: number; notMeasured: string; warnings: string[] },
): Measurement {
  if (!(interrupted instanceof InterruptedPhase)) throw interrupted ?? new Error('infer bench: no batch was measured');
  const { pp, batch } = interrupted;
  const reason = `${interrupted.message}: prefill figures from the ${pp.runs} prefill(s) timed by then, no decode figures`;
  const ePrefill: Energy = pp.energy ?? { measured: false, reason: x.notMeasured };
  const ptpj = perJoule(pp.tokens, ePrefill);
  const samples = (v: number[]) => ({ samples: v, summary: summaryToJson(summarize(v)) });
  const notRun = `not measured: ${interrupted.message}`;
  return {
    id: x.id,
    kind: 'infer',
    status: 'incomplete',
    reason,
    startedAt: x.startedAt.toISOString(),
    endedAt: new Date().toISOString(),
    params: { ...x.params, batch },
    metrics: {
      prefillTokensPerSecond: metric(summarize(pp.tokensPerSecond).mean, 'tokens/s', true, `pp${x.prompt}: batch·prompt tokens / wall time of one prefill run() (+ argmax), per prefill; mean of the ${pp.runs} prefill(s) timed before the interruption, batch ${batch}`, samples(pp.tokensPerSecond)),
      timeToFirstTokenMs: metric(summarize(pp.runMs).mean, 'ms', false, 'prefill run() of the prompt + argmax of the last logits, per prefill of the pp test', samples(pp.runMs)),
      prefillTokensPerJoule: metric(ptpj, 'tokens/J', true, `PREFILL ONLY: ${pp.tokens} prompt tokens / energy of the window holding the ${pp.runs} prefill(s)`, {
        ...(ptpj === null ? { reason: perJouleReason(ePrefill) ?? 'energy not usable' } : {}),
        ...(ptpj !== null && perJouleBasis(ePrefill) ? { energyBasis: perJouleBasis(ePrefill)! } : {}),
      }),
      decodeTokensPerSecond: metric(null, 'tokens/s', true, 'tg test (decode)', { reason: notRun }),
      tokensPerJoule: metric(null, 'tokens/J', true, 'DECODE ONLY: tokens / energy of the decode window', { reason: notRun }),
    },
    energy: { measured: false, reason: `decode window not run: ${interrupted.message}` },
    adapter: x.adapter,
    details: {
      interrupted: { signal: interrupted.sig, batch, prefillsTimed: pp.runs, decodeTested: false },
      model: x.model,
      energyPrefill: ePrefill,
      tokens: { prefill: pp.tokens, decode: 0 },
      phases: { pp: { test: `pp${x.prompt}`, runs: pp.runs, tokens: pp.tokens, windowS: pp.windowS, requiredWindowS: pp.requiredS, rule: pp.rule, attempts: pp.attempts, note: pp.note } },
    },
    warnings: [...x.warnings, reason],
  };
}
