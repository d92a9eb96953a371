/**
 * Generated model directories: `models/<preset>-<dtype>[-std]/` holding `model.onnx`
 * (+ `model.onnx.data` external weights), an HF-style `config.json` and a minimal `genai_config.json`,
 * the layout Optimum / onnxruntime-genai use. Built on demand into a temporary directory and renamed
 * into place (atomic), reused while `config.json`'s `joulebench` block matches.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { writeFileAtomic } from '../util/atomic.js';
import { errnoText, UsageError } from '../util/errors.js';
import { packageRoot } from '../report/environment.js';
import { writeMsgToFile } from './onnx-writer.js';
import { buildDecoderGraph, serializeModel, type Variant } from './builder.js';
import { getPreset, parameterCount, type DecoderConfig } from './presets.js';
import { floatDtypeOf, type ModelDtype } from './weights.js';
import { readOnnxGraph } from './onnx-reader.js';
import { weightInventory } from './model-facts.js';

/** Bump when the generated graph changes (invalidates cached models). */
export const BUILDER_VERSION = 1;
/** Default PRNG seed for weights. */
export const DEFAULT_WEIGHT_SEED = 0x10e1e;
/**
 * Weights above this go to `model.onnx.data` (external data). Protobuf caps a message at 2 GiB, and
 * onnxruntime memory-maps aligned external data instead of copying it out of the parsed protobuf, so
 * anything but test models is written external (one copy of the weights in the process).
 */
export const EXTERNAL_DATA_THRESHOLD_BYTES = 64 * 1024 * 1024;

/** What identifies a generated model (stored in config.json under `joulebench`). */
export interface GeneratedModelInfo {
  builderVersion: number;
  preset: string;
  mirrors: string;
  dtype: ModelDtype;
  variant: Variant;
  seed: number;
  parameters: number;
  /** Bytes of the weights as stored (4-bit codes, scales and zero points for q4 dtypes), counted from the written graph. */
  weightBytes: number;
  externalData: boolean;
  synthetic: true;
  note: string;
  /** Size of each model file as built (model.onnx, model.onnx.data): a cut copy is found before onnxruntime reads it. */
  fileBytes?: Record<string, number>;
}

/** A model directory ready to load. */
export interface ModelDir {
  dir: string;
  modelPath: string;
  info: GeneratedModelInfo;
  config: DecoderConfig;
  /** model.onnx + model.onnx.data bytes. */
  bytesOnDisk: number;
  /** True when this call generated it (false: reused from the cache). */
  built: boolean;
  buildTimeS: number;
}

/** Models directory (overridable with JOULEBENCH_MODELS_DIR, for tests and CI). */
export function modelsDir(): string {
  return process.env.JOULEBENCH_MODELS_DIR ?? join(packageRoot(), 'models');
}

/** Directory name for a preset/dtype/variant: `<preset>-<dtype>` (+ `-std` for the standard-op graph). */
export function modelDirName(preset: string, dtype: ModelDtype, variant: Variant): string {
  return `${preset}-${dtype}${variant === 'std' ? '-std' : ''}`;
}

function hfConfig(c: DecoderConfig, info: GeneratedModelInfo): Record<string, unknown> {
  const common = { vocab_size: c.vocabSize, torch_dtype: floatDtypeOf(info.dtype) === 'fp16' ? 'float16' : 'float32', tie_word_embeddings: c.tieWordEmbeddings };
  const cfg =
    c.family === 'gpt2'
      ? { architectures: ['GPT2LMHeadModel'], model_type: 'gpt2', n_embd: c.hiddenSize, n_layer: c.numLayers, n_head: c.numHeads, n_inner: c.intermediateSize, n_positions: c.maxPositions, layer_norm_epsilon: c.normEps, activation_function: 'gelu_new', ...common }
      : {
          architectures: [c.qkvBias ? 'Qwen2ForCausalLM' : 'LlamaForCausalLM'],
          model_type: c.qkvBias ? 'qwen2' : 'llama',
          hidden_size: c.hiddenSize,
          intermediate_size: c.intermediateSize,
          num_hidden_layers: c.numLayers,
          num_attention_heads: c.numHeads,
          num_key_value_heads: c.numKvHeads,
          head_dim: c.headDim,
          max_position_embeddings: c.maxPositions,
          rope_theta: c.ropeTheta,
          rms_norm_eps: c.normEps,
          hidden_act: 'silu',
          attention_bias: c.qkvBias,
          ...common,
        };
  return { ...cfg, joulebench: info };
}

function genaiConfig(c: DecoderConfig, info: GeneratedModelInfo, withPositionIds: boolean): Record<string, unknown> {
  return {
    model: {
      type: c.family === 'gpt2' ? 'gpt2' : c.qkvBias ? 'qwen2' : 'llama',
      context_length: c.maxPositions,
      vocab_size: c.vocabSize,
      decoder: {
        filename: 'model.onnx',
        head_size: c.headDim,
        hidden_size: c.hiddenSize,
        num_attention_heads: c.numHeads,
        num_key_value_heads: c.numKvHeads,
        num_hidden_layers: c.numLayers,
        inputs: {
          input_ids: 'input_ids',
          attention_mask: 'attention_mask',
          ...(withPositionIds ? { position_ids: 'position_ids' } : {}),
          past_key_names: 'past_key_values.%d.key',
          past_value_names: 'past_key_values.%d.value',
        },
        outputs: { logits: 'logits', present_key_names: 'present.%d.key', present_value_names: 'present.%d.value' },
      },
    },
    search: { max_length: c.maxPositions, past_present_share_buffer: false },
    joulebench: { synthetic: true, dtype: info.dtype, variant: info.variant },
  };
}

/** Generate a model directory at `dir` (replaced atomically). */
export function buildModelDir(
  preset: string,
  opts: { dtype: ModelDtype; variant: Variant; seed?: number; dir: string; externalThresholdBytes?: number; q4Reference?: boolean },
): ModelDir {
  const c = getPreset(preset);
  const t0 = performance.now();
  const seed = opts.seed ?? DEFAULT_WEIGHT_SEED;
  const params = parameterCount(c);
  const built = buildDecoderGraph(c, { dtype: opts.dtype, variant: opts.variant, seed, q4Reference: opts.q4Reference });
  const plannedBytes = built.inits.reduce((s, t) => s + t.data.byteLength, 0);
  const external = plannedBytes > (opts.externalThresholdBytes ?? EXTERNAL_DATA_THRESHOLD_BYTES);
  let weightBytes = plannedBytes; // replaced by the count from the written graph below
  const info: GeneratedModelInfo = {
    builderVersion: BUILDER_VERSION,
    preset,
    mirrors: c.mirrors,
    dtype: opts.dtype,
    variant: opts.variant,
    seed,
    parameters: params,
    weightBytes,
    externalData: external,
    synthetic: true,
    note: 'synthetic seeded weights: compute and memory traffic are those of the real architecture, outputs are meaningless',
  };
  const parent = join(opts.dir, '..');
  mkdirSync(parent, { recursive: true });
  const tmp = join(parent, `.tmp-${preset}-${randomBytes(4).toString('hex')}`);
  mkdirSync(tmp);
  try {
    let ext: { location: string; writeChunk: (b: Uint8Array) => void } | null = null;
    let dataFd: number | null = null;
    if (external) {
      dataFd = openSync(join(tmp, 'model.onnx.data'), 'w', 0o644);
      const fd = dataFd;
      ext = {
        location: 'model.onnx.data',
        writeChunk: (b) => {
          let off = 0;
          while (off < b.byteLength) off += writeSync(fd, b, off, b.byteLength - off);
        },
      };
    }
    try {
      const msg = serializeModel(built, {
        external: ext,
        producerVersion: `builder-${BUILDER_VERSION}`,
        metadata: { 'joulebench.preset': preset, 'joulebench.synthetic': 'true', 'joulebench.mirrors': c.mirrors },
      });
      writeMsgToFile(join(tmp, 'model.onnx'), msg);
    } finally {
      if (dataFd !== null) closeSync(dataFd);
    }
    // Self-check: the parameters counted from the written graph (as `infer bench` counts any
    // model) must be the preset's; a mismatch is a builder bug, never a model to cache.
    const inv = weightInventory(readOnnxGraph(join(tmp, 'model.onnx')), c.tieWordEmbeddings);
    if (inv.parameters !== params) throw new Error(`builder: ${preset} ${opts.dtype}: graph holds ${inv.parameters} parameters, the preset has ${params}`);
    weightBytes = inv.weightBytes;
    info.weightBytes = weightBytes;
    info.fileBytes = Object.fromEntries(['model.onnx', ...(external ? ['model.onnx.data'] : [])].map((f) => [f, statSync(join(tmp, f)).size]));
    writeFileAtomic(join(tmp, 'config.json'), JSON.stringify(hfConfig(c, info), null, 2) + '\n');
    writeFileAtomic(join(tmp, 'genai_config.json'), JSON.stringify(genaiConfig(c, info, built.inputNames.includes('position_ids')), null, 2) + '\n');
    rmSync(opts.dir, { recursive: true, force: true });
    try {
      renameSync(tmp, opts.dir);
    } catch (err) {
      // Another process built the same model concurrently and won the rename: use theirs.
      if (!existsSync(join(opts.dir, 'config.json'))) throw err;
      rmSync(tmp, { recursive: true, force: true });
    }
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  return { ...describeDir(opts.dir, info, c), built: true, buildTimeS: (performance.now() - t0) / 1000 };
}

function describeDir(dir: string, info: GeneratedModelInfo, config: DecoderConfig): Omit<ModelDir, 'built' | 'buildTimeS'> {
  const modelPath = join(dir, 'model.onnx');
  let bytesOnDisk = statSync(modelPath).size;
  if (info.externalData) bytesOnDisk += statSync(join(dir, 'model.onnx.data')).size;
  return { dir, modelPath, info, config, bytesOnDisk };
}

/** Read the `joulebench` block of a generated model directory, or null if absent/unreadable. */
export function readGeneratedInfo(dir: string): GeneratedModelInfo | null {
  try {
    const cfg = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as { joulebench?: GeneratedModelInfo };
    return cfg.joulebench ?? null;
  } catch {
    return null;
  }
}

/** The cached model for a preset, generating it when missing or stale. */
export function ensureModel(preset: string, opts: { dtype: ModelDtype; variant: Variant; seed?: number; rebuild?: boolean; root?: string }): ModelDir {
  const c = getPreset(preset);
  const seed = opts.seed ?? DEFAULT_WEIGHT_SEED;
  const dir = join(opts.root ?? modelsDir(), modelDirName(preset, opts.dtype, opts.variant) + (seed === DEFAULT_WEIGHT_SEED ? '' : `-seed${seed}`));
  const info = readGeneratedInfo(dir);
  const fresh =
    info &&
    info.builderVersion === BUILDER_VERSION &&
    info.preset === preset &&
    info.dtype === opts.dtype &&
    info.variant === opts.variant &&
    info.seed === seed &&
    existsSync(join(dir, 'model.onnx')) &&
    (!info.externalData || statSync(join(dir, 'model.onnx.data'), { throwIfNoEntry: false })?.size !== undefined);
  if (fresh && !opts.rebuild) {
    checkCachedFiles(dir, info, `joulebench infer build ${preset}${opts.dtype === 'fp32' ? '' : ` --dtype ${opts.dtype}`}${opts.variant === 'gqa' ? '' : ` --variant ${opts.variant}`} --force`);
    return { ...describeDir(dir, info, c), built: false, buildTimeS: 0 };
  }
  try {
    return buildModelDir(preset, { dtype: opts.dtype, variant: opts.variant, seed, dir });
  } catch (err) {
    // Node's errno messages for a failed write(2) name no file ("ENOSPC: no space left on device, write").
    const e = err as NodeJS.ErrnoException;
    if (typeof e?.code !== 'string' || err instanceof UsageError) throw err;
    throw new Error(`cannot write the model directory ${dir} (${errnoText(err)}${e.path ? `: ${e.path}` : ''})`, { cause: err });
  }
}

/**
 * A cached model whose files are not those built (a copy cut short, a disk that filled up) is
 * refused as a corrupt cache with the command that rebuilds it, rather than handed to onnxruntime,
 * whose parse error would blame --model. Caches from before sizes were recorded get a parse check.
 */
function checkCachedFiles(dir: string, info: GeneratedModelInfo, rebuild: string): void {
  const corrupt = (why: string) => new UsageError(`cached model ${dir} is corrupt: ${why}; rebuild it with '${rebuild}'`);
  if (info.fileBytes) {
    for (const [f, bytes] of Object.entries(info.fileBytes)) {
      const size = statSync(join(dir, f), { throwIfNoEntry: false })?.size;
      if (size !== bytes) throw corrupt(`${f} is ${size === undefined ? 'missing' : `${size} bytes`}, ${bytes} when built`);
    }
    return;
  }
  try {
    readOnnxGraph(join(dir, 'model.onnx'));
  } catch (err) {
    throw corrupt(`model.onnx does not parse as ONNX (${(err as Error).message})`);
  }
}
