/**
 * The length histogram `--prompt-len azure-conv-2023` / `--gen-len azure-conv-2023` draws from
 * (pure data, lengths only).
 *
 * What it is: token counts of the 19,366 requests of Microsoft Azure's public LLM inference trace
 * 2023, conversation service — the `ContextTokens` (prompt) and `GeneratedTokens` (output) columns of
 * `data/AzureLLMInferenceTrace_conv.csv` in https://github.com/Azure/AzurePublicDataset (described in
 * its AzureLLMInferenceDataset2023.md; the data behind Patel et al., "Splitwise: Efficient generative
 * LLM inference using phase splitting", ISCA 2024). Licensed CC-BY 4.0; attribution as above.
 * Binned by scripts/length-histogram.mjs (bins [lo, hi) at powers of two and their 1.5× midpoints,
 * empty bins left out) from the CSV at the dataset's commit 790921015d50dd6aae7f7e47f39ba0e235ad6b08;
 * timestamps are not used. Sampling picks a bin by its count, then a length uniformly inside it, so
 * the shape within a bin is flattened. The two columns are drawn independently: their correlation in
 * the trace (Pearson r = −0.11) is not kept.
 */

/** One bin: lengths in [lo, hi) and how many requests had one. */
export type LengthBin = readonly [lo: number, hi: number, count: number];

/** A shipped length histogram. */
export interface LengthHistogram {
  name: string;
  /** What the lengths are and where they come from, in one line. */
  source: string;
  requests: number;
  /** Checks against the raw CSV (numpy linear percentiles), to compare a copy with. */
  stats: { mean: number; p50: number; p90: number; p99: number; min: number; max: number };
  bins: readonly LengthBin[];
}

const SOURCE = 'Azure LLM inference trace 2023, conversation service (github.com/Azure/AzurePublicDataset data/AzureLLMInferenceTrace_conv.csv, CC-BY 4.0; Patel et al., Splitwise, ISCA 2024)';

/** ContextTokens: prompt lengths. */
export const AZURE_CONV_2023_PROMPT: LengthHistogram = {
  name: 'azure-conv-2023',
  source: `${SOURCE}: ContextTokens, 19,366 requests, binned`,
  requests: 19_366,
  stats: { mean: 1154.7, p50: 1020, p90: 2734.5, p99: 4142, min: 2, max: 14_050 },
  bins: [
    [2, 3, 6], [6, 8, 11], [8, 12, 42], [12, 16, 30], [16, 24, 63], [24, 32, 57], [32, 48, 58], [48, 64, 35],
    [64, 96, 92], [96, 128, 135], [128, 192, 647], [192, 256, 1425], [256, 384, 1055], [384, 512, 3986],
    [512, 768, 175], [768, 1024, 1978], [1024, 1536, 6305], [1536, 2048, 563], [2048, 3072, 899],
    [3072, 4096, 1388], [4096, 6144, 396], [6144, 8192, 19], [12288, 16384, 1],
  ],
};

/** GeneratedTokens: output lengths. */
export const AZURE_CONV_2023_OUTPUT: LengthHistogram = {
  name: 'azure-conv-2023',
  source: `${SOURCE}: GeneratedTokens, 19,366 requests, binned`,
  requests: 19_366,
  stats: { mean: 211.13, p50: 129, p90: 424, p99: 601, min: 7, max: 1000 },
  bins: [
    [6, 8, 1], [8, 12, 6], [12, 16, 174], [16, 24, 199], [24, 32, 183], [32, 48, 819], [48, 64, 1263],
    [64, 96, 4054], [96, 128, 2896], [128, 192, 2434], [192, 256, 805], [256, 384, 710], [384, 512, 5259],
    [512, 768, 519], [768, 1024, 44],
  ],
};
