/**
 * Text of a batch sweep and its serving figure, for `infer bench` (human output), `run`'s summary
 * and `report --md`. Reads `details.batchSweep`, `details.batchSweepSkipped` and `details.serving`
 * of an infer measurement (written by src/infer/bench.ts); returns null when there is none.
 */
import type { Measurement } from '../results/schema.js';

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const num = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);

function bytes(n: number | null): string {
  if (n === null) return '—';
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(2)} GiB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024).toFixed(1)} KiB`;
}

/** 3–4 significant digits, no exponent for everyday magnitudes. */
function fig(x: number | null): string {
  if (x === null) return '—';
  if (x >= 1000) return Math.round(x).toLocaleString('en-US');
  return x >= 100 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : x.toPrecision(3);
}

/** The sweep rows of a measurement, when it has any. */
function sweepOf(m: Measurement): Array<Record<string, unknown>> | null {
  const rows = m.details?.batchSweep;
  return Array.isArray(rows) && rows.length ? rows.filter(isObj) : null;
}

/** One line: the serving figure (or why there is none), e.g. for `run`'s summary. Null without one. */
/** How an `infer serve` figure was batched, for its serving line. */
function loadBatching(s: Record<string, unknown>, b: number | null): string {
  return `${s.batching === 'boundary' ? 'static batches refilled at boundaries' : 'continuous batching'}, max batch ${b}`;
}

export function servingLine(m: Measurement): string | null {
  const s = m.details?.serving;
  if (!isObj(s)) return null;
  const b = num(s.batch);
  const slo = num(s.sloMsPerToken);
  const tps = fig(num(s.decodeTokensPerSecond));
  const tpj = num(s.tokensPerJoule);
  const p99 = num(s.stepLatencyP99Ms);
  const figures = `${tps} tok/s, ${tpj === null ? 'tok/J not measured' : `${fig(tpj)} tok/J`}, p99 ${fig(p99)} ms/token`;
  const by = s.chosenBy === 'tokens-per-second' ? ' (chosen by tok/s: energy not measured)' : '';
  switch (s.basis) {
    case 'slo':
      return `batch ${b} within ${slo} ms/token p99: ${figures}${by}`;
    case 'best-efficiency':
      return `batch ${b}, the most efficient (no latency target): ${figures}${by}`;
    case 'batch-1-only':
      return `batch 1 only (not a served figure): ${figures}`;
    case 'slo-unmet':
      return `NONE: no batch meets ${slo} ms/token p99; closest batch ${b}: ${figures}`;
    case 'load':
      return `Poisson load at ${fig(num(s.offeredQps))} req/s within TTFT ≤ ${num(s.sloTtftMs) ?? '—'} ms and TPOT ≤ ${slo ?? '—'} ms at p99 (${loadBatching(s, b)}): ${tps} tok/s, ${tpj === null ? 'tok/J not measured' : `${fig(tpj)} tok/J`}, p99 TPOT ${fig(p99)} ms`;
    case 'load-unmet':
      return `NONE: no offered Poisson rate within TTFT ≤ ${num(s.sloTtftMs) ?? '—'} ms and TPOT ≤ ${slo ?? '—'} ms at p99 (${loadBatching(s, b)})`;
    default:
      return null;
  }
}

/** The sweep as a markdown table plus the skipped batches and the serving figure with its rule. */
export function formatSweepHuman(m: Measurement): string | null {
  const rows = sweepOf(m);
  if (!rows) return null;
  const s = isObj(m.details?.serving) ? m.details!.serving as Record<string, unknown> : null;
  const slo = s ? num(s.sloMsPerToken) : null;
  const out: string[] = [];
  out.push(`batch sweep (each batch its own pp and tg energy windows, smallest first):`);
  out.push(`| batch | tg t/s | window t/s | tok/J | step p50 ms | step p99 ms | ${slo !== null ? `p99 ≤ ${slo} ms | ` : ''}TTFT ms | pp t/s | KV cache | peak RSS |`);
  out.push(`| ---: | ---: | ---: | ---: | ---: | ---: | ${slo !== null ? ':---: | ' : ''}---: | ---: | ---: | ---: |`);
  for (const r of rows) {
    const chosen = s && s.basis !== 'slo-unmet' && num(s.batch) === num(r.batch) ? ' ◀' : '';
    const meets = slo !== null ? `${r.meetsSlo === true ? 'yes' : r.meetsSlo === false ? 'NO' : '—'} | ` : '';
    const tpj = num(r.tokensPerJoule);
    const declared = r.energyBasis === 'declared' && tpj !== null ? ' (declared)' : '';
    out.push(
      `| ${r.batch}${chosen} | ${fig(num(r.decodeTokensPerSecond))} | ${fig(num(r.windowTokensPerSecond))} | ${fig(tpj)}${declared} | ${fig(num(r.stepLatencyP50Ms))} | ${fig(num(r.stepLatencyP99Ms))} | ${meets}${fig(num(r.timeToFirstTokenMs))} | ${fig(num(r.prefillTokensPerSecond))} | ${bytes(num(r.kvCacheBytes))} | ${bytes(num(r.peakRssBytes))} |`,
    );
  }
  const skipped = Array.isArray(m.details?.batchSweepSkipped) ? (m.details!.batchSweepSkipped as unknown[]).filter(isObj) : [];
  for (const k of skipped) out.push(`batch ${k.batch}: ${k.reason}`);
  out.push('tg t/s: mean of per-sequence rates (llama-bench); window t/s: tokens in the decode window / its wall time (what tok/J divides and the serving figure uses)');
  out.push('KV cache: one runner (batch sequences at prompt + gen tokens); peak RSS: the largest process RSS sampled while the batch held its decode pool or prefilled (process-wide, so it includes the model and earlier batches\' arenas)');
  if (s) {
    out.push(`serving figure: ${servingLine(m)}`);
    out.push(`  rule: ${String(s.note ?? '')}`);
  }
  return out.join('\n');
}
