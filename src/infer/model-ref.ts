/**
 * What `--model` names, checked without loading anything: a preset (generated on demand) or an
 * existing model file or directory. Shared by `infer bench` (resolveModel) and the checks `run`
 * and `fleet submit` make before any work (src/run/checks.ts).
 */
import { existsSync } from 'node:fs';
import { UsageError } from '../util/errors.js';
import { PRESETS } from './presets.js';

/**
 * 'preset' or 'path'; a UsageError naming --model when it is neither. A value that looks like a
 * path (a separator, or ending in .onnx) is a path even when a preset has that name.
 */
export function checkModelRef(model: string): 'preset' | 'path' {
  const isPath = existsSync(model) || /[/\\]|\.onnx$/i.test(model);
  if (!isPath && PRESETS[model]) return 'preset';
  if (!isPath) throw new UsageError(`--model '${model}': not a preset (${Object.keys(PRESETS).join(', ')}) nor an existing .onnx file or model directory`);
  if (!existsSync(model)) throw new UsageError(`--model ${model}: no such file or directory`);
  return 'path';
}
