/**
 * EP node placement from an onnxruntime profile (Chrome-trace JSON written by `endProfiling()`):
 * every kernel run is an event `cat: "Node"`, `name: "<node>_kernel_time"` with `args.provider` and
 * `args.op_name` (https://onnxruntime.ai/docs/performance/tune-performance/profiling-tools.html).
 * Which EP ran which node is what shows CPU fallbacks.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Placement summary. */
export interface Placement {
  /** provider → number of distinct graph nodes it ran. */
  nodesByProvider: Record<string, number>;
  /** provider → op type → node count. */
  opsByProvider: Record<string, Record<string, number>>;
  /** provider → summed kernel time in the profiled runs, µs. */
  kernelTimeUsByProvider: Record<string, number>;
  /**
   * provider → op type → nodes whose inputs or outputs are floating-point tensors (from the
   * profile's `input_type_shape` / `output_type_shape`). A float Gather (embedding lookup) or Concat
   * (KV cache) on the CPU is a compute fallback even though the op also appears as shape arithmetic.
   */
  floatOpsByProvider: Record<string, Record<string, number>>;
  totalNodes: number;
}

/**
 * Ops onnxruntime keeps on the CPU by design when an EP runs the graph: int64 shape and mask
 * arithmetic (the GQA mask reformatting, Shape/Range in the standard graph). Their presence on CPU is
 * expected and costs no weight traffic.
 */
export const SHAPE_OPS = new Set(['Shape', 'Gather', 'ReduceSum', 'ReduceMax', 'Sub', 'Cast', 'Range', 'Squeeze', 'Unsqueeze', 'Concat', 'Equal', 'Greater', 'Or', 'Where', 'Reshape', 'ConstantOfShape', 'Expand', 'Slice']);

type TypeShape = Array<Record<string, unknown>>;
type TraceEvent = { cat?: string; name?: string; dur?: number; args?: { provider?: string; op_name?: string; input_type_shape?: TypeShape; output_type_shape?: TypeShape } };

const FLOAT_TYPES = new Set(['float', 'float16', 'bfloat16', 'double', 'float8e4m3fn', 'float8e4m3fnuz', 'float8e5m2', 'float8e5m2fnuz']);

/** Does a kernel event's input/output list (`[{"float":[1,4]}, {"int64":[]}]`) carry a floating-point tensor? */
function touchesFloat(args: NonNullable<TraceEvent['args']>): boolean {
  for (const list of [args.input_type_shape, args.output_type_shape]) {
    if (!Array.isArray(list)) continue;
    for (const entry of list) if (entry && Object.keys(entry).some((t) => FLOAT_TYPES.has(t))) return true;
  }
  return false;
}

/** Parse a profile's events. */
export function placementFromEvents(events: TraceEvent[]): Placement {
  const nodeProvider = new Map<string, { provider: string; op: string; float: boolean }>();
  const time: Record<string, number> = {};
  for (const e of events) {
    if (e.cat !== 'Node' || !e.name?.endsWith('_kernel_time') || !e.args?.provider) continue;
    const node = e.name.slice(0, -'_kernel_time'.length);
    nodeProvider.set(node, { provider: e.args.provider, op: e.args.op_name ?? '?', float: (nodeProvider.get(node)?.float ?? false) || touchesFloat(e.args) });
    time[e.args.provider] = (time[e.args.provider] ?? 0) + (e.dur ?? 0);
  }
  const nodesByProvider: Record<string, number> = {};
  const opsByProvider: Record<string, Record<string, number>> = {};
  const floatOpsByProvider: Record<string, Record<string, number>> = {};
  for (const { provider, op, float } of nodeProvider.values()) {
    nodesByProvider[provider] = (nodesByProvider[provider] ?? 0) + 1;
    const ops = (opsByProvider[provider] ??= {});
    ops[op] = (ops[op] ?? 0) + 1;
    if (float) {
      const f = (floatOpsByProvider[provider] ??= {});
      f[op] = (f[op] ?? 0) + 1;
    }
  }
  return { nodesByProvider, opsByProvider, kernelTimeUsByProvider: time, floatOpsByProvider, totalNodes: nodeProvider.size };
}

/** Find, parse and delete the profile file(s) written for `prefix` (a path prefix). */
export function readProfile(prefix: string): Placement | null {
  const dir = dirname(prefix);
  const base = basename(prefix);
  const files = readdirSync(dir).filter((f) => f.startsWith(base) && f.endsWith('.json'));
  if (!files.length) return null;
  const events: TraceEvent[] = [];
  for (const f of files) {
    const p = join(dir, f);
    try {
      const parsed = JSON.parse(readFileSync(p, 'utf8')) as TraceEvent[] | { traceEvents?: TraceEvent[] };
      events.push(...(Array.isArray(parsed) ? parsed : (parsed.traceEvents ?? [])));
    } finally {
      rmSync(p, { force: true });
    }
  }
  return placementFromEvents(events);
}

/** Warnings for nodes that ran on the CPU although another EP was asked for. */
export function fallbackWarnings(p: Placement, ep: string): { warnings: string[]; cpuComputeOps: string[]; cpuShapeOps: string[] } {
  if (ep === 'cpu') return { warnings: [], cpuComputeOps: [], cpuShapeOps: [] };
  const cpu = p.opsByProvider.CPUExecutionProvider ?? {};
  // A shape-arithmetic op type counts as compute when any of its CPU nodes moved float tensors.
  const cpuFloat = p.floatOpsByProvider?.CPUExecutionProvider ?? {};
  const isCompute = (op: string) => !SHAPE_OPS.has(op) || (cpuFloat[op] ?? 0) > 0;
  const cpuComputeOps = Object.keys(cpu).filter(isCompute).sort();
  const cpuShapeOps = Object.keys(cpu).filter((op) => !isCompute(op)).sort();
  const n = p.nodesByProvider.CPUExecutionProvider ?? 0;
  const warnings: string[] = [];
  if (cpuComputeOps.length) {
    warnings.push(`${n} of ${p.totalNodes} graph nodes fell back to the CPU EP, including compute ops ${cpuComputeOps.join(', ')}: tokens/s is not the ${ep} EP's alone`);
  } else if (n) {
    warnings.push(`${n} of ${p.totalNodes} graph nodes ran on the CPU EP (integer shape/mask ops only: ${cpuShapeOps.join(', ')}; onnxruntime places these on CPU by design)`);
  }
  return { warnings, cpuComputeOps, cpuShapeOps };
}
