/**
 * Like with like: a price says what it prices, and a measured figure is priced with it only when
 * it measured that thing. A token price names a model (name and parameter count); a GPU-hour price
 * and a GPU capex name a GPU. Pure: identities in, a verdict with a one-line reason out.
 *
 * Model match: the same model (preset, mirrored checkpoint or name, compared after dropping the
 * organisation, "Instruct"/"Chat"/"Turbo" suffixes and punctuation), or a parameter count within
 * ±15 % of the priced model's. Test models (the `tiny` presets, "synthetic test model …") are never
 * priced as a real service.
 * GPU match: the same model number and variant (RTX 4070 ≠ RTX 4070 Ti; H100 SXM ≠ H100 PCIe when
 * both say so), ignoring vendor and brand words and memory size. Software adapters (Mesa llvmpipe)
 * and the CPU are never a GPU.
 */

/** Presets that are harness test models, not a public model (src/infer/presets.ts). */
export const TEST_MODEL_PRESETS: readonly string[] = ['tiny', 'tiny-gpt2'];

/** Parameter counts within this relative distance count as the same model size. */
export const PARAMETER_TOLERANCE = 0.15;

/** What a result says about the model it measured. */
export interface MeasuredModel {
  /** Preset or path given to the bench (params.model). */
  preset: string | null;
  /** details.model.name. */
  name: string | null;
  /** details.model.mirrors: the public checkpoint a preset mirrors, or "synthetic test model …". */
  mirrors: string | null;
  /** details.model.parameters. */
  parameters: number | null;
}

/** The model a token price is for. */
export interface PricedModel {
  name: string;
  parameters: number | null;
}

/** Where a figure was measured: a GPU (by adapter name), a software adapter, the CPU, or unknown. */
export type MeasuredDevice =
  | { kind: 'gpu'; name: string }
  | { kind: 'software'; name: string }
  | { kind: 'cpu'; name: string | null }
  | { kind: 'unknown' };

/** "0.14 M", "494 M", "8.03 B". */
export function fmtParams(n: number | null): string {
  if (n === null || !Number.isFinite(n)) return 'parameters unknown';
  const f = (x: number) => Number(x.toPrecision(3)).toString();
  if (n >= 1e9) return `${f(n / 1e9)} B`;
  if (n >= 1e6 || n >= 1e5) return `${f(n / 1e6)} M`;
  return `${f(n / 1e3)} k`;
}

/** Comparable key of a model name: "meta-llama/Meta-Llama-3.1-8B-Instruct" → "llama3.18b". */
export function modelKey(name: string): string {
  let x = name.trim().split(' (')[0]!.toLowerCase();
  x = x.replace(/^.*\//, '').replace(/^meta[-_ ]/, '');
  x = x.replace(/[-_ .](instruct|chat|turbo|hf|it|base)(?=$|[-_ .])/g, '');
  return x.replace(/[^a-z0-9.]/g, '');
}

/** True for a harness test model (never priced as a service). */
export function isTestModel(m: MeasuredModel): boolean {
  if (m.preset && TEST_MODEL_PRESETS.includes(m.preset.toLowerCase())) return true;
  if (m.name && TEST_MODEL_PRESETS.includes(m.name.toLowerCase())) return true;
  return Boolean(m.mirrors && /^synthetic test model/i.test(m.mirrors));
}

/** Short name of a measured model: the mirrored checkpoint ("Qwen2.5-0.5B"), else the preset or name. */
export function measuredModelName(m: MeasuredModel): string {
  if (m.mirrors && !/^synthetic/i.test(m.mirrors)) return m.mirrors.split(' (')[0]!.replace(/^.*\//, '');
  return m.preset ?? m.name ?? 'unnamed model';
}

/** "tiny (0.14 M params)". */
export function describeMeasuredModel(m: MeasuredModel): string {
  return `${measuredModelName(m)} (${fmtParams(m.parameters)}${m.parameters === null ? '' : ' params'})`;
}

/** "Llama-3.1-8B-Instruct (8.03 B)". */
export function describePricedModel(p: PricedModel): string {
  return `${p.name} (${fmtParams(p.parameters)})`;
}

/** Null when the measured model is the priced one; otherwise the one-line reason it is not. */
export function modelMismatch(m: MeasuredModel, p: PricedModel): string | null {
  const what = `measured ${describeMeasuredModel(m)}`;
  const price = `the price is for ${describePricedModel(p)}`;
  if (isTestModel(m)) return `${what}, a synthetic test model that mirrors no public model; ${price}`;
  const want = modelKey(p.name);
  const names = [m.preset, m.name, m.mirrors].filter((x): x is string => Boolean(x)).map(modelKey);
  if (want && names.includes(want)) return null;
  if (m.parameters !== null && p.parameters !== null && Math.abs(m.parameters / p.parameters - 1) <= PARAMETER_TOLERANCE) return null;
  return `${what}; ${price}`;
}

const BRAND = new Set(['nvidia', 'geforce', 'rtx', 'gtx', 'amd', 'radeon', 'rx', 'intel', 'r', 'tm', 'arc', 'tesla', 'quadro', 'instinct', 'apple', 'graphics', 'gpu', 'laptop', 'mobile', 'the']);
const FORM = new Map([
  ['sxm', 'sxm'],
  ['sxm2', 'sxm'],
  ['sxm4', 'sxm'],
  ['sxm5', 'sxm'],
  ['pcie', 'pcie'],
  ['nvl', 'nvl'],
]);
const VARIANT = new Set(['ti', 'super', 'xt', 'xtx', 'max', 'pro', 'ultra']);

/** Model number, form factor and variant words of a GPU name ("NVIDIA H100 80GB HBM3" → h100). */
export function gpuIdentity(name: string): { model: string | null; form: string | null; variants: string[] } {
  const tokens = name.split(' (')[0]!.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
  let model: string | null = null;
  let form: string | null = null;
  const variants: string[] = [];
  for (const t of tokens) {
    if (FORM.has(t)) form = FORM.get(t)!;
    else if (VARIANT.has(t)) variants.push(t);
    else if (!model && /\d/.test(t) && !BRAND.has(t) && !/^\d+gb$/.test(t) && !/^(hbm|gddr)\d/.test(t)) model = t;
  }
  return { model, form, variants: variants.sort() };
}

/** True when two GPU names are the same GPU (see the module comment). */
export function sameGpu(a: string, b: string): boolean {
  const x = gpuIdentity(a);
  const y = gpuIdentity(b);
  if (!x.model || x.model !== y.model) return false;
  if (x.variants.join(',') !== y.variants.join(',')) return false;
  return x.form === null || y.form === null || x.form === y.form;
}

/** Short name of a device for labels: "H100 SXM", "RTX 3060", "llvmpipe", "CPU". */
export function shortDeviceName(d: MeasuredDevice): string {
  if (d.kind === 'unknown') return 'unknown device';
  if (d.kind === 'cpu') return 'CPU';
  return shortGpuName(d.name);
}

/** Strip vendor words and build details: "NVIDIA GeForce RTX 3060 (…)" → "RTX 3060". */
export function shortGpuName(name: string): string {
  const base = name.split(' (')[0]!.trim();
  return base.replace(/^(NVIDIA|AMD|Intel\(R\)|Intel|Apple)\s+/i, '').replace(/^GeForce\s+/i, '').replace(/^Radeon\s+/i, 'Radeon ') || base;
}

/** Null when a figure measured on `d` may be priced as `gpu`; otherwise the one-line reason. */
export function deviceMismatch(d: MeasuredDevice, gpu: string, what: string): string | null {
  switch (d.kind) {
    case 'software':
      return `measured on a software adapter (${d.name}): CPU timings, not a GPU; ${what} ${gpu}`;
    case 'cpu':
      return `measured on the CPU${d.name ? ` (${d.name})` : ''}, not a GPU; ${what} ${gpu}`;
    case 'unknown':
      return `the result does not say which GPU it was measured on; ${what} ${gpu}`;
    case 'gpu':
      return sameGpu(d.name, gpu) ? null : `measured on ${d.name}; ${what} ${gpu}`;
  }
}
