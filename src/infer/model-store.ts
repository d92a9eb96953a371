/**
 * Generated model directories: `models/<preset>-<dtype>[-std]/` holding `model.onnx`
 * (+ `model.onnx.data` external weights), an HF-style `config.json` and a minimal `genai_config.json`,
 * the layout Optimum / onnxruntime-genai use. Built on demand into a temporary directory and renamed
 * into place (atomic), reused while `config.json`'s `joulebench` block matches.
 *
 * Temporary directories carry their owner (`.tmp-<preset>-<hex>-<pid>@<host>`) and a watchdog
 * process that removes them if the build's process dies half-way (Ctrl-C: a qwen2.5-0.5b build left
 * 365 MB); what a watchdog could not remove is swept by the next build once its owner is gone.
 * Concurrent builds of one model are safe: each builds its own directory, and installing it
 * tolerates a concurrent winner (rename(2) onto a non-empty directory fails; the old one is moved
 * aside under a private name first, so no builder deletes another's files).
 */
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import os from 'node:os';
import { basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { killGroup } from '../util/child.js';
import { writeFileAtomic } from '../util/atomic.js';
import { errnoText, UsageError } from '../util/errors.js';
import { packageRoot } from '../util/package.js';
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

/** Builds and moved-aside directories with an owner: `.tmp-…` / `.old-…`, `<hex>-<pid>@<host>` last. */
const OWNED_RE = /^\.(?:tmp|old)-.+-[0-9a-f]{8}-(\d+)@(.+)$/;
/** Temporary directories of builds before owners were recorded. */
const LEGACY_TMP_RE = /^\.tmp-.+-[0-9a-f]{8}$/;
/** A temporary directory nothing has written for this long is abandoned when its owner cannot be asked. */
export const STALE_BUILD_AGE_MS = 6 * 3600 * 1000;

/** Host name as a file-name part (no path separators or @). */
function hostTag(): string {
  return os.hostname().replace(/[^\w.-]/g, '_') || 'localhost';
}

/** A private name in `parent` for a build (`tmp`) or a directory moved aside (`old`), owned by this process. */
function ownedName(parent: string, kind: 'tmp' | 'old', what: string): string {
  return join(parent, `.${kind}-${what}-${randomBytes(4).toString('hex')}-${process.pid}@${hostTag()}`);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // alive, someone else's
  }
}

/** Newest modification time of a directory and its entries (a build writes into it), ms. */
function lastWriteMs(dir: string): number {
  let t = statSync(dir).mtimeMs;
  for (const e of readdirSync(dir)) t = Math.max(t, statSync(join(dir, e), { throwIfNoEntry: false })?.mtimeMs ?? 0);
  return t;
}

/**
 * Remove the temporary and moved-aside directories in `parent` that no live build owns: this host's
 * whose process is gone (`onlyPid`: only this process's, after its build was interrupted), and
 * those whose owner cannot be asked (another host, or no owner recorded) once nothing has written
 * to them for STALE_BUILD_AGE_MS. Returns the paths removed.
 */
export function sweepStaleBuilds(parent: string, onlyPid?: number): string[] {
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const n of names) {
    const p = join(parent, n);
    const m = OWNED_RE.exec(n);
    try {
      let stale: boolean;
      if (onlyPid !== undefined) stale = m !== null && Number(m[1]) === onlyPid && m[2] === hostTag();
      else if (m && m[2] === hostTag()) stale = !pidAlive(Number(m[1]));
      else stale = (m !== null || LEGACY_TMP_RE.test(n)) && Date.now() - lastWriteMs(p) > STALE_BUILD_AGE_MS;
      if (!stale) continue;
      rmSync(p, { recursive: true, force: true });
      removed.push(p);
    } catch {
      /* gone already, or not ours to remove */
    }
  }
  return removed;
}

/** rename(2) `from` onto `to`; false when `to` is in the way (an existing non-empty directory, or a file). */
function renameOnto(from: string, to: string): boolean {
  try {
    renameSync(from, to);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'ENOTDIR') return false;
    throw err;
  }
}

/**
 * Rename the finished build `tmp` to `dir`. When `dir` is in the way (an older build, or a
 * concurrent builder's), it is renamed aside to a private name and removed, and the rename is made
 * once more; if that fails too, `dir` was filled again in between, which only a concurrent builder
 * installing its finished build does (every install is this rename of a complete directory): that
 * build of the same model is kept and ours dropped. No retry count and no timing: whoever moves
 * `dir` aside renames its own build in next, or finds `dir` filled, so `dir` is never left empty
 * by a builder that finishes (a loop bounded by attempts could end right after a move-aside, leaving
 * no model and failing with "concurrent builders kept replacing it" under load).
 */
function installBuild(tmp: string, dir: string): void {
  if (renameOnto(tmp, dir)) return;
  const aside = ownedName(join(dir, '..'), 'old', basename(dir));
  try {
    renameSync(dir, aside);
    rmSync(aside, { recursive: true, force: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err; // another builder moved it aside first
  }
  if (!renameOnto(tmp, dir)) rmSync(tmp, { recursive: true, force: true });
}

/**
 * A watchdog for a temporary build directory: a detached shell that waits for this process to end
 * and then removes `tmp`. The generator is synchronous, so Ctrl-C during it ends the process (the
 * signal's default action: no JavaScript can run until the build returns), as does a SIGKILL or an
 * out-of-memory kill; the watchdog removes what was being written (365 MB for qwen2.5-0.5b) within
 * a fraction of a second. Stopped (its process group SIGKILLed) once the build has been installed
 * or cleaned up. Returns the stop function.
 */
function tmpWatchdog(tmp: string): () => void {
  let pid: number | undefined;
  try {
    const child = spawn('/bin/sh', ['-c', 'while kill -0 "$1" 2>/dev/null; do sleep 0.2; done; rm -rf -- "$2"', 'joulebench-build-watchdog', String(process.pid), tmp], { detached: true, stdio: 'ignore' });
    child.on('error', () => undefined); // no /bin/sh: the next build's sweep is the fallback
    child.unref();
    pid = child.pid;
  } catch {
    /* as above */
  }
  return () => {
    if (pid !== undefined) killGroup(pid, 'SIGKILL');
  };
}

/** Write the model files of `built` into `tmp` and check them; returns `info` completed from the written graph. */
function writeBuild(tmp: string, built: ReturnType<typeof buildDecoderGraph>, c: DecoderConfig, info: GeneratedModelInfo): GeneratedModelInfo {
  let ext: { location: string; writeChunk: (b: Uint8Array) => void } | null = null;
  let dataFd: number | null = null;
  if (info.externalData) {
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
      metadata: { 'joulebench.preset': info.preset, 'joulebench.synthetic': 'true', 'joulebench.mirrors': c.mirrors },
    });
    writeMsgToFile(join(tmp, 'model.onnx'), msg);
  } finally {
    if (dataFd !== null) closeSync(dataFd);
  }
  // Self-check: the parameters counted from the written graph (as `infer bench` counts any
  // model) must be the preset's; a mismatch is a builder bug, never a model to cache.
  const inv = weightInventory(readOnnxGraph(join(tmp, 'model.onnx')), c.tieWordEmbeddings);
  if (inv.parameters !== info.parameters) throw new Error(`builder: ${info.preset} ${info.dtype}: graph holds ${inv.parameters} parameters, the preset has ${info.parameters}`);
  const done: GeneratedModelInfo = { ...info, weightBytes: inv.weightBytes };
  done.fileBytes = Object.fromEntries(['model.onnx', ...(info.externalData ? ['model.onnx.data'] : [])].map((f) => [f, statSync(join(tmp, f)).size]));
  writeFileAtomic(join(tmp, 'config.json'), JSON.stringify(hfConfig(c, done), null, 2) + '\n');
  writeFileAtomic(join(tmp, 'genai_config.json'), JSON.stringify(genaiConfig(c, done, built.inputNames.includes('position_ids')), null, 2) + '\n');
  return done;
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
  const info: GeneratedModelInfo = {
    builderVersion: BUILDER_VERSION,
    preset,
    mirrors: c.mirrors,
    dtype: opts.dtype,
    variant: opts.variant,
    seed,
    parameters: params,
    weightBytes: plannedBytes, // replaced by the count from the written graph
    externalData: plannedBytes > (opts.externalThresholdBytes ?? EXTERNAL_DATA_THRESHOLD_BYTES),
    synthetic: true,
    note: 'synthetic seeded weights: compute and memory traffic are those of the real architecture, outputs are meaningless',
  };
  const parent = join(opts.dir, '..');
  mkdirSync(parent, { recursive: true });
  sweepStaleBuilds(parent); // what killed builds left
  const tmp = ownedName(parent, 'tmp', preset);
  mkdirSync(tmp);
  const stopWatchdog = tmpWatchdog(tmp);
  try {
    const done = writeBuild(tmp, built, c, info);
    // Sizes from our own files: once installed, a concurrent --force build may replace them (or
    // have it moved aside for a moment). When a concurrent builder's is kept instead, it is the same
    // model (same preset, dtype, variant and seed: the builder is deterministic), so ours describes it.
    const own = describeDir(tmp, done, c);
    installBuild(tmp, opts.dir);
    return { ...own, dir: opts.dir, modelPath: join(opts.dir, 'model.onnx'), built: true, buildTimeS: (performance.now() - t0) / 1000 };
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  } finally {
    stopWatchdog();
  }
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
