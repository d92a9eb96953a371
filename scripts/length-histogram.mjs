#!/usr/bin/env node
// Length histograms of the Azure LLM inference trace 2023 (conversation service), for
// src/infer/serve/azure-conv-2023.ts. Lengths only: the trace's TIMESTAMP column is not used.
//
// The trace is public (CC-BY 4.0): Azure/AzurePublicDataset, data/AzureLLMInferenceTrace_conv.csv,
// described in AzureLLMInferenceDataset2023.md and in Patel et al., "Splitwise: Efficient generative
// LLM inference using phase splitting", ISCA 2024. This machine cannot download it; run this script
// on a copy of the CSV:
//
//   node scripts/length-histogram.mjs AzureLLMInferenceTrace_conv.csv
//
// Bins are [lo, hi) with edges 1, 2, 3, 4, 6, 8, 12, … (powers of two and their 1.5× midpoints);
// empty bins are left out. Prints the bins of ContextTokens and GeneratedTokens as JSON, with the
// row count, means and linear-interpolated percentiles (numpy's default) to check the copy against.
import { readFileSync } from 'node:fs';

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: node scripts/length-histogram.mjs <AzureLLMInferenceTrace_conv.csv>\n');
  process.exit(2);
}
const lines = readFileSync(file, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
const head = lines.shift().split(',');
const ci = head.indexOf('ContextTokens');
const gi = head.indexOf('GeneratedTokens');
if (ci < 0 || gi < 0) throw new Error(`${file}: no ContextTokens/GeneratedTokens columns (header: ${head.join(',')})`);
const ctx = [];
const gen = [];
for (const l of lines) {
  const f = l.split(',');
  ctx.push(Number(f[ci]));
  gen.push(Number(f[gi]));
}
const edges = [1];
for (let p = 1; p <= 16384; p *= 2) {
  if (p >= 2) edges.push(p);
  if (p >= 2 && p * 1.5 <= 16384) edges.push(p * 1.5);
}
edges.sort((a, b) => a - b);
const uniq = [...new Set(edges)];
function bins(xs) {
  const out = [];
  for (let i = 0; i + 1 < uniq.length; i++) {
    const lo = uniq[i];
    const hi = uniq[i + 1];
    const n = xs.filter((x) => x >= lo && x < hi).length;
    if (n) out.push([lo, hi, n]);
  }
  const covered = out.reduce((a, b) => a + b[2], 0);
  if (covered !== xs.length) throw new Error(`bins cover ${covered} of ${xs.length} values (a length outside [1, 16384))`);
  return out;
}
function pct(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  const h = (s.length - 1) * p;
  return s[Math.floor(h)] + (h - Math.floor(h)) * (s[Math.ceil(h)] - s[Math.floor(h)]);
}
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const stats = (xs) => ({ mean: Number(mean(xs).toFixed(2)), p50: pct(xs, 0.5), p90: pct(xs, 0.9), p99: pct(xs, 0.99), min: Math.min(...xs), max: Math.max(...xs) });
process.stdout.write(JSON.stringify({ requests: ctx.length, context: { ...stats(ctx), bins: bins(ctx) }, generated: { ...stats(gen), bins: bins(gen) } }, null, 1) + '\n');
