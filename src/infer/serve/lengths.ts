/**
 * Request lengths for `infer serve` (pure; a file's text comes in through a reader callback).
 *
 * `--prompt-len` / `--gen-len` take a fixed number (`32`), an inclusive uniform range (`16-64`,
 * vLLM's `--random-range-ratio` idea as explicit bounds), the shipped histogram of a public chat
 * trace (`azure-conv-2023`, src/infer/serve/azure-conv-2023.ts), or a file of lengths (`@lengths.txt`
 * or a path: integers separated by whitespace or commas, `#` starts a comment; each request draws
 * one of them uniformly). Outputs are forced to their drawn length (EOS ignored), as vLLM forces
 * `ignore_eos` for its random dataset: an early EOS would shorten outputs and flatter tok/s.
 *
 * A prompt + output that does not fit the model's context is drawn again, as vLLM's ShareGPT
 * sampling drops sequences over its limits (vllm-project/vllm vllm/benchmarks/datasets/utils.py
 * `is_valid_sequence`): the distribution is then truncated to the context, and the result says how
 * many draws were rejected.
 */
import { UsageError } from '../../util/errors.js';
import { AZURE_CONV_2023_OUTPUT, AZURE_CONV_2023_PROMPT, type LengthHistogram } from './azure-conv-2023.js';

/** Longest length a spec may give (far beyond any context this harness runs). */
export const MAX_LENGTH = 1_000_000;
/** Most values a lengths file may hold. */
export const MAX_LENGTH_FILE_VALUES = 1_000_000;

/** A parsed length flag. */
export type LengthSpec =
  | { kind: 'fixed'; value: number }
  | { kind: 'range'; lo: number; hi: number }
  | { kind: 'histogram'; histogram: LengthHistogram }
  | { kind: 'file'; path: string; values: number[] };

/** Names of the shipped histograms. */
export const LENGTH_PRESETS = ['azure-conv-2023'] as const;

type LengthFlag = '--prompt-len' | '--gen-len';

function checkLength(flag: LengthFlag, raw: string, v: number, what = 'a length'): number {
  if (!Number.isSafeInteger(v) || v < 1 || v > MAX_LENGTH) throw new UsageError(`${flag} '${raw}': ${what} must be an integer from 1 to ${MAX_LENGTH} tokens`);
  return v;
}

/** The integers of a lengths file (whitespace/comma separated, `#` comments); UsageError naming the line otherwise. */
export function parseLengthFile(flag: LengthFlag, path: string, text: string): number[] {
  const out: number[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const body = lines[i]!.replace(/#.*$/, '').trim();
    if (!body) continue;
    for (const tok of body.split(/[\s,]+/).filter(Boolean)) {
      if (!/^\d+$/.test(tok)) throw new UsageError(`${flag} ${path}: line ${i + 1}: '${tok}' is not a whole number of tokens; a lengths file holds integers separated by spaces, commas or newlines (# starts a comment)`);
      out.push(checkLength(flag, path, Number(tok), `line ${i + 1}: ${tok}:`));
      if (out.length > MAX_LENGTH_FILE_VALUES) throw new UsageError(`${flag} ${path}: more than ${MAX_LENGTH_FILE_VALUES} lengths; sample it down`);
    }
  }
  if (!out.length) throw new UsageError(`${flag} ${path}: no lengths in the file; write integers separated by spaces, commas or newlines`);
  return out;
}

/**
 * Parse `--prompt-len` / `--gen-len`. `readText(path)` reads a lengths file (it throws the
 * one-line error for a missing or unreadable file).
 */
export function parseLengthSpec(flag: LengthFlag, raw: string, readText: (path: string) => string): LengthSpec {
  const text = String(raw).trim();
  if (text === '') throw new UsageError(`${flag} '': empty; give a length (32), a range (16-64), ${LENGTH_PRESETS.join(', ')}, or @file`);
  if (/^\d+$/.test(text)) return { kind: 'fixed', value: checkLength(flag, text, Number(text)) };
  const range = /^(\d+)\s*-\s*(\d+)$/.exec(text);
  if (range) {
    const lo = checkLength(flag, text, Number(range[1]));
    const hi = checkLength(flag, text, Number(range[2]));
    if (lo > hi) throw new UsageError(`${flag} '${text}': the range's low end is above its high end; write it as low-high, e.g. ${hi}-${lo}`);
    return lo === hi ? { kind: 'fixed', value: lo } : { kind: 'range', lo, hi };
  }
  if ((LENGTH_PRESETS as readonly string[]).includes(text)) return { kind: 'histogram', histogram: flag === '--prompt-len' ? AZURE_CONV_2023_PROMPT : AZURE_CONV_2023_OUTPUT };
  if (/^-?\d*\.\d+$|^-\d+$/.test(text)) throw new UsageError(`${flag} '${text}': a length must be a whole number of tokens ≥ 1`);
  const path = text.startsWith('@') ? text.slice(1) : text;
  if (!path) throw new UsageError(`${flag} '@': give the lengths file after @, e.g. ${flag} @lengths.txt`);
  return { kind: 'file', path, values: parseLengthFile(flag, path, readText(path)) };
}

/** Smallest and largest length a spec can draw. */
export function lengthBounds(s: LengthSpec): { min: number; max: number } {
  switch (s.kind) {
    case 'fixed':
      return { min: s.value, max: s.value };
    case 'range':
      return { min: s.lo, max: s.hi };
    case 'histogram':
      return { min: s.histogram.bins[0]![0], max: s.histogram.bins.at(-1)![1] - 1 };
    case 'file':
      return { min: Math.min(...s.values), max: Math.max(...s.values) };
  }
}

/** One length drawn from the spec with `u` (uniform on [0, 1)). */
export function sampleLength(s: LengthSpec, u: () => number): number {
  switch (s.kind) {
    case 'fixed':
      return s.value;
    case 'range':
      return s.lo + Math.floor(u() * (s.hi - s.lo + 1));
    case 'file':
      return s.values[Math.floor(u() * s.values.length)]!;
    case 'histogram': {
      const bins = s.histogram.bins;
      let r = u() * bins.reduce((a, b) => a + b[2], 0);
      let bin = bins.at(-1)!;
      for (const b of bins) {
        if (r < b[2]) {
          bin = b;
          break;
        }
        r -= b[2];
      }
      return bin[0] + Math.floor(u() * (bin[1] - bin[0]));
    }
  }
}

/** The spec in words, for params and methods. */
export function lengthText(s: LengthSpec): string {
  switch (s.kind) {
    case 'fixed':
      return String(s.value);
    case 'range':
      return `uniform ${s.lo}-${s.hi}`;
    case 'histogram':
      return `${s.histogram.name} (${s.histogram.source})`;
    case 'file':
      return `file ${s.path} (${s.values.length} lengths, drawn uniformly)`;
  }
}

/** Prompt and output lengths of `n` requests, and how many draws the context rejected. */
export interface DrawnLengths {
  lengths: Array<{ promptTokens: number; outputTokens: number }>;
  rejected: number;
}

/**
 * Draw `n` (prompt, output) pairs; a pair longer than `maxContext` tokens (when known) is drawn
 * again. UsageError when even the shortest pair cannot fit, or when fits are so rare (over 100
 * rejections per request) that the distribution would be a different one.
 */
export function drawLengths(n: number, prompt: LengthSpec, gen: LengthSpec, maxContext: number | null, u: () => number): DrawnLengths {
  const pb = lengthBounds(prompt);
  const gb = lengthBounds(gen);
  if (maxContext !== null && pb.min + gb.min > maxContext) {
    throw new UsageError(`--prompt-len ${pb.min}+ and --gen-len ${gb.min}+: even the shortest request (${pb.min + gb.min} tokens) exceeds the model's context of ${maxContext}; lower them`);
  }
  const lengths: DrawnLengths['lengths'] = [];
  let rejected = 0;
  while (lengths.length < n) {
    const p = sampleLength(prompt, u);
    const g = sampleLength(gen, u);
    if (maxContext !== null && p + g > maxContext) {
      if (++rejected > 100 * Math.max(n, 10)) {
        throw new UsageError(`--prompt-len/--gen-len: fewer than 1 in 100 drawn requests fit the model's context of ${maxContext} tokens; the lengths are not this model's workload (lower them or pick a model with a longer context)`);
      }
      continue;
    }
    lengths.push({ promptTokens: p, outputTokens: g });
  }
  return { lengths, rejected };
}
