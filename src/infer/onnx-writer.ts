/**
 * A small streaming protobuf encoder for the ONNX messages a decoder model needs
 * (ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto, ValueInfoProto, OperatorSetIdProto).
 *
 * Why hand-written rather than protobufjs + onnx.proto: a message is built as a list of parts whose
 * lengths are known up front, and weight payloads are *lazy* parts (a byte count plus a generator).
 * That lets a multi-GB model be written straight from a seeded PRNG to disk in chunks, with no
 * in-memory copy of the weights, which a protobufjs `encode()` (one contiguous buffer per message)
 * cannot do. The subset is tiny and the field numbers are frozen by onnx/onnx.proto (proto2,
 * IR version 8+); loading every generated model in onnxruntime checks the encoding.
 */
import { closeSync, openSync, writeSync } from 'node:fs';

/** Bytes produced on demand: `byteLength` must equal what `write` emits in total. */
export interface LazyBytes {
  readonly byteLength: number;
  write(sink: (chunk: Uint8Array) => void): void;
}

type Part = Uint8Array | LazyBytes;

/** An encoded (or partly lazy) protobuf message. */
export class Msg {
  readonly parts: Part[] = [];
  length = 0;
  push(p: Part): this {
    this.parts.push(p);
    this.length += p.byteLength;
    return this;
  }
  /** Materialise into one buffer (only for small messages: lazy parts are generated). */
  toBytes(): Uint8Array {
    const out = new Uint8Array(this.length);
    let off = 0;
    this.writeTo((c) => {
      out.set(c, off);
      off += c.byteLength;
    });
    return out;
  }
  /** Stream every part to `sink` in order. */
  writeTo(sink: (chunk: Uint8Array) => void): void {
    for (const p of this.parts) {
      if (p instanceof Uint8Array) sink(p);
      else {
        let n = 0;
        p.write((c) => {
          n += c.byteLength;
          sink(c);
        });
        if (n !== p.byteLength) throw new Error(`lazy part produced ${n} bytes, declared ${p.byteLength}`);
      }
    }
  }
}

function varintBytes(v: number | bigint): Uint8Array {
  let x = BigInt.asUintN(64, BigInt(v));
  const out: number[] = [];
  while (x > 0x7fn) {
    out.push(Number(x & 0x7fn) | 0x80);
    x >>= 7n;
  }
  out.push(Number(x));
  return Uint8Array.from(out);
}

const enc = new TextEncoder();

/** Append a varint field (int32/int64/enum/bool; negatives as 10-byte two's complement). */
export function fVarint(m: Msg, field: number, v: number | bigint): Msg {
  return m.push(varintBytes(field << 3)).push(varintBytes(v));
}
/** Append a float (fixed32) field. */
export function fFloat(m: Msg, field: number, v: number): Msg {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setFloat32(0, v, true);
  return m.push(varintBytes((field << 3) | 5)).push(b);
}
/** Append a length-delimited field: string, bytes, lazy bytes or a nested message. */
export function fBytes(m: Msg, field: number, v: string | Uint8Array | LazyBytes | Msg): Msg {
  m.push(varintBytes((field << 3) | 2));
  if (typeof v === 'string') {
    const b = enc.encode(v);
    return m.push(varintBytes(b.byteLength)).push(b);
  }
  if (v instanceof Msg) {
    m.push(varintBytes(v.length));
    for (const p of v.parts) m.push(p);
    return m;
  }
  return m.push(varintBytes(v.byteLength)).push(v);
}

/** onnx.TensorProto.DataType values used here. */
export const DT = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7, BOOL: 9, FLOAT16: 10 } as const;
export type DataTypeCode = (typeof DT)[keyof typeof DT];

/** Bytes per element of a data type code. */
export function dtypeBytes(dt: DataTypeCode): number {
  switch (dt) {
    case DT.FLOAT:
    case DT.INT32:
      return 4;
    case DT.INT64:
      return 8;
    case DT.FLOAT16:
      return 2;
    default:
      return 1;
  }
}

/** An attribute value; the type is inferred (numbers that are integers → INT unless `float: true`). */
export type AttrValue =
  | { i: number }
  | { f: number }
  | { s: string }
  | { ints: number[] }
  | { floats: number[] }
  | { t: Msg };

/** AttributeProto. */
export function attribute(name: string, v: AttrValue): Msg {
  const m = new Msg();
  fBytes(m, 1, name);
  if ('i' in v) {
    fVarint(m, 3, v.i);
    fVarint(m, 20, 2);
  } else if ('f' in v) {
    fFloat(m, 2, v.f);
    fVarint(m, 20, 1);
  } else if ('s' in v) {
    fBytes(m, 4, v.s);
    fVarint(m, 20, 3);
  } else if ('ints' in v) {
    for (const x of v.ints) fVarint(m, 8, x);
    fVarint(m, 20, 7);
  } else if ('floats' in v) {
    for (const x of v.floats) fFloat(m, 7, x);
    fVarint(m, 20, 6);
  } else {
    fBytes(m, 5, v.t);
    fVarint(m, 20, 4);
  }
  return m;
}

/** NodeProto. */
export function node(opType: string, inputs: string[], outputs: string[], name: string, attrs: Record<string, AttrValue> = {}, domain = ''): Msg {
  const m = new Msg();
  for (const i of inputs) fBytes(m, 1, i);
  for (const o of outputs) fBytes(m, 2, o);
  fBytes(m, 3, name);
  fBytes(m, 4, opType);
  for (const [k, v] of Object.entries(attrs)) fBytes(m, 5, attribute(k, v));
  if (domain) fBytes(m, 7, domain);
  return m;
}

/** A dimension: a fixed size or a symbolic name. */
export type Dim = number | string;

/** ValueInfoProto for a tensor. */
export function valueInfo(name: string, elemType: DataTypeCode, dims: Dim[]): Msg {
  const shape = new Msg();
  for (const d of dims) {
    const dim = new Msg();
    if (typeof d === 'number') fVarint(dim, 1, d);
    else fBytes(dim, 2, d);
    fBytes(shape, 1, dim);
  }
  const tensorType = new Msg();
  fVarint(tensorType, 1, elemType);
  fBytes(tensorType, 2, shape);
  const type = new Msg();
  fBytes(type, 1, tensorType);
  const m = new Msg();
  fBytes(m, 1, name);
  fBytes(m, 2, type);
  return m;
}

/** TensorProto with inline raw data (eager or lazy). */
export function tensorInline(name: string, dt: DataTypeCode, dims: number[], raw: Uint8Array | LazyBytes): Msg {
  const m = new Msg();
  for (const d of dims) fVarint(m, 1, d);
  fVarint(m, 2, dt);
  fBytes(m, 8, name);
  fBytes(m, 9, raw);
  return m;
}

/** TensorProto whose data lives in an external file (`location` relative to the model file). */
export function tensorExternal(name: string, dt: DataTypeCode, dims: number[], location: string, offset: number, length: number): Msg {
  const m = new Msg();
  for (const d of dims) fVarint(m, 1, d);
  fVarint(m, 2, dt);
  fBytes(m, 8, name);
  for (const [k, v] of [
    ['location', location],
    ['offset', String(offset)],
    ['length', String(length)],
  ] as const) {
    const e = new Msg();
    fBytes(e, 1, k);
    fBytes(e, 2, v);
    fBytes(m, 13, e);
  }
  fVarint(m, 14, 1); // DataLocation.EXTERNAL
  return m;
}

/** GraphProto. */
export function graph(name: string, nodes: Msg[], initializers: Msg[], inputs: Msg[], outputs: Msg[]): Msg {
  const m = new Msg();
  for (const n of nodes) fBytes(m, 1, n);
  fBytes(m, 2, name);
  for (const t of initializers) fBytes(m, 5, t);
  for (const i of inputs) fBytes(m, 11, i);
  for (const o of outputs) fBytes(m, 12, o);
  return m;
}

/** ModelProto. `opsets` maps domain ('' = ai.onnx) to version. */
export function model(g: Msg, opsets: Record<string, number>, opts: { irVersion?: number; producer?: string; producerVersion?: string; metadata?: Record<string, string> } = {}): Msg {
  const m = new Msg();
  fVarint(m, 1, opts.irVersion ?? 8);
  fBytes(m, 2, opts.producer ?? 'joulebench');
  if (opts.producerVersion) fBytes(m, 3, opts.producerVersion);
  fBytes(m, 7, g);
  for (const [domain, version] of Object.entries(opsets)) {
    const o = new Msg();
    if (domain) fBytes(o, 1, domain);
    fVarint(o, 2, version);
    fBytes(m, 8, o);
  }
  for (const [k, v] of Object.entries(opts.metadata ?? {})) {
    const e = new Msg();
    fBytes(e, 1, k);
    fBytes(e, 2, v);
    fBytes(m, 14, e);
  }
  return m;
}

/**
 * Stream a message to a file in ~4 MiB writes. Returns bytes written. The file is created or
 * truncated; callers write into a temporary directory and rename (atomic model directories).
 */
export function writeMsgToFile(path: string, m: Msg): number {
  const fd = openSync(path, 'w', 0o644);
  let total = 0;
  const buf = Buffer.allocUnsafe(4 << 20);
  let fill = 0;
  const flush = () => {
    let off = 0;
    while (off < fill) off += writeSync(fd, buf, off, fill - off);
    fill = 0;
  };
  try {
    m.writeTo((c) => {
      total += c.byteLength;
      if (c.byteLength >= buf.length) {
        flush();
        let off = 0;
        while (off < c.byteLength) off += writeSync(fd, c, off, c.byteLength - off);
        return;
      }
      if (fill + c.byteLength > buf.length) flush();
      buf.set(c, fill);
      fill += c.byteLength;
    });
    flush();
  } finally {
    closeSync(fd);
  }
  return total;
}
