/**
 * Reads what the harness needs from an ONNX file without loading its weights: opsets, graph
 * inputs/outputs (names, element types, dims), nodes (op type, domain, inputs, outputs, scalar and
 * list attributes) and initializers (name, type, dims, byte size, inline or external location).
 *
 * The file is parsed with positional reads (a 1 MiB window), and length-delimited payloads the
 * harness does not need (raw tensor data) are skipped, so a 2 GB model with inline weights costs a
 * few reads, not 2 GB of memory. Field numbers are those of onnx/onnx.proto
 * (https://github.com/onnx/onnx/blob/main/onnx/onnx.proto): ModelProto, GraphProto, NodeProto,
 * AttributeProto, TensorProto, ValueInfoProto, TypeProto.Tensor, TensorShapeProto.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** onnx.TensorProto.DataType names by code. */
export const ONNX_TYPE_NAMES: Record<number, string> = {
  1: 'float32', 2: 'uint8', 3: 'int8', 4: 'uint16', 5: 'int16', 6: 'int32', 7: 'int64', 8: 'string', 9: 'bool', 10: 'float16',
  11: 'float64', 12: 'uint32', 13: 'uint64', 14: 'complex64', 15: 'complex128', 16: 'bfloat16', 17: 'float8e4m3fn',
  18: 'float8e4m3fnuz', 19: 'float8e5m2', 20: 'float8e5m2fnuz', 21: 'uint4', 22: 'int4', 23: 'float4e2m1',
};

/** Bits per element of an ONNX data type (0 for strings). */
export function onnxTypeBits(code: number): number {
  switch (code) {
    case 11: case 7: case 13: case 14: return 64;
    case 15: return 128;
    case 1: case 6: case 12: return 32;
    case 10: case 16: case 4: case 5: return 16;
    case 21: case 22: case 23: return 4;
    case 8: return 0;
    default: return 8;
  }
}

/** One initializer (or Constant-node tensor). */
export interface OnnxTensorInfo {
  name: string;
  /** onnx.TensorProto.DataType code. */
  dataType: number;
  dims: number[];
  /** Product of dims. */
  elements: number;
  /** Bytes of the data (raw, typed fields, or the external `length`). */
  bytes: number;
  external: { location: string; offset: number; length: number | null } | null;
}

/** A graph input/output as declared in the file. */
export interface OnnxValueInfo {
  name: string;
  /** Element type name ('float32', 'int64', ...) or null if the file does not say. */
  type: string | null;
  /** Static sizes as numbers, symbolic ones as their names ('' when unnamed). */
  shape: Array<number | string> | null;
}

/** One node; attributes keep ints, floats, strings and their lists. */
export interface OnnxNodeInfo {
  opType: string;
  domain: string;
  name: string;
  inputs: string[];
  outputs: string[];
  attrs: Record<string, number | string | number[]>;
}

/** What the harness reads from a model file. */
export interface OnnxGraphSummary {
  irVersion: number;
  producer: string;
  opsets: Record<string, number>;
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  nodes: OnnxNodeInfo[];
  initializers: OnnxTensorInfo[];
  /** Tensors held by Constant nodes (weights some exporters store that way). */
  constants: OnnxTensorInfo[];
  /** Sparse initializers (counted apart: their dense size is not their storage). */
  sparseInitializers: number;
}

/** Positional reader over a file with a sliding window. */
class Cursor {
  private buf = Buffer.alloc(0);
  private bufStart = 0;
  constructor(
    private readonly fd: number,
    readonly size: number,
  ) {}

  /** Bytes [pos, pos+len) (len ≤ window). */
  bytes(pos: number, len: number): Buffer {
    if (pos < this.bufStart || pos + len > this.bufStart + this.buf.length) {
      const want = Math.max(len, 1 << 20);
      const n = Math.min(want, this.size - pos);
      if (n < len) throw new Error(`truncated ONNX file (wanted ${len} bytes at ${pos}, file is ${this.size})`);
      const b = Buffer.allocUnsafe(n);
      let off = 0;
      while (off < n) {
        const r = readSync(this.fd, b, off, n - off, pos + off);
        if (r <= 0) throw new Error(`truncated ONNX file at ${pos + off}`);
        off += r;
      }
      this.buf = b;
      this.bufStart = pos;
    }
    return this.buf.subarray(pos - this.bufStart, pos - this.bufStart + len);
  }

  /** A varint at `pos`: [value, next position]. Values past 2^53 lose precision (never sizes). */
  varint(pos: number): [number, number] {
    const b = this.bytes(pos, Math.min(10, this.size - pos));
    let v = 0;
    let mul = 1;
    for (let i = 0; i < b.length; i++) {
      const x = b[i]!;
      v += (x & 0x7f) * mul;
      mul *= 128;
      if (!(x & 0x80)) {
        if (i >= 7) {
          // Past 2^49: redo exactly; 10-byte encodings are negative int64 (two's complement).
          let big = 0n;
          for (let j = i; j >= 0; j--) big = (big << 7n) | BigInt(b[j]! & 0x7f);
          v = Number(BigInt.asIntN(64, big));
        }
        return [v, pos + i + 1];
      }
    }
    throw new Error(`bad varint at ${pos}`);
  }

  string(start: number, end: number): string {
    return this.bytes(start, end - start).toString('utf8');
  }
}

type Field = { field: number; wire: number; value: number; start: number; end: number };

/** Iterate the fields of the message occupying [start, end). */
function* fields(c: Cursor, start: number, end: number): Generator<Field> {
  let pos = start;
  while (pos < end) {
    const [key, p1] = c.varint(pos);
    const field = Math.floor(key / 8);
    const wire = key % 8;
    if (wire === 0) {
      const [v, p2] = c.varint(p1);
      yield { field, wire, value: v, start: p1, end: p2 };
      pos = p2;
    } else if (wire === 2) {
      const [len, p2] = c.varint(p1);
      if (p2 + len > end) throw new Error(`field ${field} overruns its message (at ${p1})`);
      yield { field, wire, value: len, start: p2, end: p2 + len };
      pos = p2 + len;
    } else if (wire === 5) {
      yield { field, wire, value: 0, start: p1, end: p1 + 4 };
      pos = p1 + 4;
    } else if (wire === 1) {
      yield { field, wire, value: 0, start: p1, end: p1 + 8 };
      pos = p1 + 8;
    } else {
      throw new Error(`unsupported protobuf wire type ${wire} at ${pos}`);
    }
  }
}

/** Repeated varints, packed (wire 2) or not (wire 0). */
function pushVarints(c: Cursor, f: Field, out: number[]): void {
  if (f.wire === 0) out.push(f.value);
  else if (f.wire === 2) for (let p = f.start; p < f.end; ) {
    const [v, n] = c.varint(p);
    out.push(v);
    p = n;
  }
}

function floatAt(c: Cursor, pos: number): number {
  return c.bytes(pos, 4).readFloatLE(0);
}

function readTensor(c: Cursor, start: number, end: number): OnnxTensorInfo {
  const dims: number[] = [];
  let dataType = 0;
  let name = '';
  let rawBytes: number | null = null;
  let typedBytes = 0;
  let external = false;
  const ext: Record<string, string> = {};
  for (const f of fields(c, start, end)) {
    switch (f.field) {
      case 1: pushVarints(c, f, dims); break;
      case 2: dataType = f.value; break;
      case 8: name = c.string(f.start, f.end); break;
      case 9: rawBytes = f.end - f.start; break;
      // float_data, int32_data, string_data, int64_data, double_data, uint64_data: the values'
      // own size is computed from the dims below; here only note that data is present.
      case 4: case 5: case 6: case 7: case 10: case 11: typedBytes += f.end - f.start; break;
      case 13: {
        let k = '';
        let v = '';
        for (const e of fields(c, f.start, f.end)) {
          if (e.field === 1) k = c.string(e.start, e.end);
          else if (e.field === 2) v = c.string(e.start, e.end);
        }
        ext[k] = v;
        break;
      }
      case 14: external = f.value === 1; break;
    }
  }
  const elements = dims.reduce((a, b) => a * b, 1);
  const logical = Math.ceil((elements * onnxTypeBits(dataType)) / 8);
  if (external) {
    const length = ext.length !== undefined ? Number(ext.length) : null;
    return { name, dataType, dims, elements, bytes: length ?? logical, external: { location: ext.location ?? '', offset: Number(ext.offset ?? 0), length } };
  }
  return { name, dataType, dims, elements, bytes: rawBytes ?? (typedBytes ? logical : 0), external: null };
}

function readValueInfo(c: Cursor, start: number, end: number): OnnxValueInfo {
  let name = '';
  let type: string | null = null;
  let shape: Array<number | string> | null = null;
  for (const f of fields(c, start, end)) {
    if (f.field === 1) name = c.string(f.start, f.end);
    else if (f.field === 2) {
      for (const t of fields(c, f.start, f.end)) {
        if (t.field !== 1) continue; // TypeProto.tensor_type
        for (const tt of fields(c, t.start, t.end)) {
          if (tt.field === 1) type = ONNX_TYPE_NAMES[tt.value] ?? `type${tt.value}`;
          else if (tt.field === 2) {
            shape = [];
            for (const d of fields(c, tt.start, tt.end)) {
              if (d.field !== 1) continue;
              let dim: number | string = '';
              for (const dv of fields(c, d.start, d.end)) {
                if (dv.field === 1) dim = dv.value;
                else if (dv.field === 2) dim = c.string(dv.start, dv.end);
              }
              shape.push(dim);
            }
          }
        }
      }
    }
  }
  return { name, type, shape };
}

function readNode(c: Cursor, start: number, end: number, sink: GraphSink): void {
  const n: OnnxNodeInfo = { opType: '', domain: '', name: '', inputs: [], outputs: [], attrs: {} };
  const tensors: OnnxTensorInfo[] = [];
  for (const f of fields(c, start, end)) {
    switch (f.field) {
      case 1: n.inputs.push(c.string(f.start, f.end)); break;
      case 2: n.outputs.push(c.string(f.start, f.end)); break;
      case 3: n.name = c.string(f.start, f.end); break;
      case 4: n.opType = c.string(f.start, f.end); break;
      case 7: n.domain = c.string(f.start, f.end); break;
      case 5: readAttribute(c, f.start, f.end, n, sink, tensors); break;
    }
  }
  if (n.opType === 'Constant' && n.domain === '') for (const t of tensors) sink.constants.push({ ...t, name: n.outputs[0] ?? t.name });
  sink.nodes.push(n);
}

function readAttribute(c: Cursor, start: number, end: number, n: OnnxNodeInfo, sink: GraphSink, tensors: OnnxTensorInfo[]): void {
  let name = '';
  let value: number | string | number[] | undefined;
  const ints: number[] = [];
  const floats: number[] = [];
  for (const f of fields(c, start, end)) {
    switch (f.field) {
      case 1: name = c.string(f.start, f.end); break;
      case 2: value = floatAt(c, f.start); break;
      case 3: value = f.value; break;
      case 4: value = c.string(f.start, f.end); break;
      case 5: tensors.push(readTensor(c, f.start, f.end)); break;
      case 6: readGraph(c, f.start, f.end, sink); break; // subgraph (If/Loop branches): nodes and initializers count too
      case 11: readGraph(c, f.start, f.end, sink); break;
      case 7: if (f.wire === 2) for (let p = f.start; p < f.end; p += 4) floats.push(floatAt(c, p)); else floats.push(floatAt(c, f.start)); break;
      case 8: pushVarints(c, f, ints); break;
    }
  }
  if (ints.length) value = ints;
  else if (floats.length) value = floats;
  if (name && value !== undefined) n.attrs[name] = value;
}

interface GraphSink {
  nodes: OnnxNodeInfo[];
  initializers: OnnxTensorInfo[];
  constants: OnnxTensorInfo[];
  sparse: number;
}

function readGraph(c: Cursor, start: number, end: number, sink: GraphSink, top?: { inputs: OnnxValueInfo[]; outputs: OnnxValueInfo[] }): void {
  for (const f of fields(c, start, end)) {
    switch (f.field) {
      case 1: readNode(c, f.start, f.end, sink); break;
      case 5: sink.initializers.push(readTensor(c, f.start, f.end)); break;
      case 15: sink.sparse++; break;
      case 11: top?.inputs.push(readValueInfo(c, f.start, f.end)); break;
      case 12: top?.outputs.push(readValueInfo(c, f.start, f.end)); break;
    }
  }
}

/** Parse an ONNX model file's structure (weights are never read). Throws on a malformed file. */
export function readOnnxGraph(file: string): OnnxGraphSummary {
  const fd = openSync(file, 'r');
  try {
    const c = new Cursor(fd, fstatSync(fd).size);
    const out: OnnxGraphSummary = { irVersion: 0, producer: '', opsets: {}, inputs: [], outputs: [], nodes: [], initializers: [], constants: [], sparseInitializers: 0 };
    const sink: GraphSink = { nodes: out.nodes, initializers: out.initializers, constants: out.constants, sparse: 0 };
    let sawGraph = false;
    for (const f of fields(c, 0, c.size)) {
      switch (f.field) {
        case 1: out.irVersion = f.value; break;
        case 2: out.producer = c.string(f.start, f.end); break;
        case 7:
          sawGraph = true;
          readGraph(c, f.start, f.end, sink, out);
          break;
        case 8: {
          let domain = '';
          let version = 0;
          for (const o of fields(c, f.start, f.end)) {
            if (o.field === 1) domain = c.string(o.start, o.end);
            else if (o.field === 2) version = o.value;
          }
          out.opsets[domain === 'ai.onnx' ? '' : domain] = version;
          break;
        }
      }
    }
    if (!sawGraph) throw new Error('no graph in the file');
    out.sparseInitializers = sink.sparse;
    // IR < 4 lists initializers among the graph inputs as well: those are not runtime inputs.
    const initNames = new Set(out.initializers.map((t) => t.name));
    out.inputs = out.inputs.filter((i) => !initNames.has(i.name));
    return out;
  } finally {
    closeSync(fd);
  }
}
