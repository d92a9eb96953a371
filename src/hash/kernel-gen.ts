/**
 * Generator for the fast SHA256d search kernels x1, x2, x4 (sha256d_x1/x2/x4.wgsl).
 *
 * The SHA256d of an 80-byte header is evaluated *symbolically* over three kinds of value:
 *  - constants (K, IV, SHA padding words): folded at generation time;
 *  - job values (the midstate M0..M7 and block-2 words W0..W2 = header bytes 64..75): any
 *    expression over only these is hoisted to the host and passed in a uniform buffer;
 *  - the varying nonce word (block-2 W3 = byteswap of the little-endian nonce).
 * With hash-consing (common subexpressions), dead-code elimination from the one output we need
 * and re-association of sums (job/constant parts of a sum fold into one host-computed term),
 * this reproduces the standard miner tricks mechanically instead of by hand:
 *  - midstate of block 1 on the host (cpuminer `sha256_transform(midstate,...)`);
 *  - rounds 0–2 of block 2 and most of round 3 on the host (cgminer/bfgminer `precalc_hash`,
 *    cpuminer `sha256d_prehash`), since only W3 varies;
 *  - W16/W17 fully and W18..W31 partly on the host (cpuminer `sha256d_preextend`);
 *  - the constant padding words of both blocks folded (cpuminer `sha256d_hash1`);
 *  - the second hash cut short: only H7 = IV7 + e(round 60) is computed, so rounds 61–63 and the
 *    a-side (Σ0, Maj) of rounds 57–60 are dead (cpuminer `sha256d_ms`, poclbm's
 *    `0x136032ed` compare). The kernel reports a candidate when byteswap(H7) ≤ the target's top
 *    32 bits; the host then checks the full 256-bit target.
 *
 * joulebench emits these kernels in memory when first used (src/hash/kernels.ts `kernelSource`),
 * from the same program object whose job values the host uploads, so the kernel cannot drift from
 * the host-side job layout: this generator is their only source, nothing generated is committed.
 * `npm run build` also writes them to dist/shaders/sha256d_x*.wgsl (`writeGeneratedKernels`), for
 * reading and as the starting point of an edited kernel (JOULEBENCH_SHADER_DIR); those copies are
 * byte-identical to what runs, so `sha256sum dist/shaders/sha256d_x1.wgsl` equals the
 * `sourceSha256` a result records for x1 (test/hash/kernel-generated.test.ts checks both, and pins
 * the hashes: results stay comparable across versions only while the bytes do).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageRoot } from '../util/package.js';
import { writeFileAtomic } from '../util/atomic.js';
import { IV, K } from './sha256.js';

type Kind = 'c' | 'u' | 'v';
type Op = 'const' | 'in' | 'nonce' | 'add' | 'xor' | 'and' | 'or' | 'shr' | 'shl' | 'rotr';

/** A node of the SHA256d expression DAG. */
export interface DagNode {
  id: number;
  kind: Kind;
  op: Op;
  args: DagNode[];
  /** const: the value; in: input index; shr/shl/rotr: the shift amount. */
  imm: number;
}

/** Names of the job inputs, in the order `evalJobValues` takes them. */
export const JOB_INPUTS = ['M0', 'M1', 'M2', 'M3', 'M4', 'M5', 'M6', 'M7', 'W0', 'W1', 'W2'] as const;

/** Builds the DAG with folding, hoisting and hash-consing. */
export class DagBuilder {
  readonly nodes: DagNode[] = [];
  private readonly table = new Map<string, DagNode>();

  private intern(kind: Kind, op: Op, args: DagNode[], imm = 0): DagNode {
    const key = `${op}|${imm}|${args.map((a) => a.id).join(',')}`;
    const hit = this.table.get(key);
    if (hit) return hit;
    const n: DagNode = { id: this.nodes.length, kind, op, args, imm };
    this.nodes.push(n);
    this.table.set(key, n);
    return n;
  }

  const(v: number): DagNode {
    return this.intern('c', 'const', [], v >>> 0);
  }
  input(i: number): DagNode {
    return this.intern('u', 'in', [], i);
  }
  nonce(): DagNode {
    return this.intern('v', 'nonce', []);
  }

  private static kindOf(args: DagNode[]): Kind {
    if (args.some((a) => a.kind === 'v')) return 'v';
    if (args.some((a) => a.kind === 'u')) return 'u';
    return 'c';
  }

  /**
   * n-ary sum. Constants fold; job-valued terms merge into one host-computed term; a varying
   * sum is represented as add(U, V) with U the job/constant part and V the varying part, so a
   * parent that has its own job part can absorb U for free.
   */
  add(...terms: DagNode[]): DagNode {
    let c = 0;
    const uni: DagNode[] = [];
    const vary: DagNode[] = [];
    const splittable: DagNode[] = [];
    for (const t of terms) {
      if (t.kind === 'c') c = (c + t.imm) >>> 0;
      else if (t.kind === 'u') uni.push(t);
      else if (t.op === 'add' && t.args[0]!.kind !== 'v') splittable.push(t);
      else vary.push(t);
    }
    // Absorb a child's job part only when that is free: this sum has a job/constant part of its
    // own, or several children bring one (then one merged term replaces several).
    const ownUniform = c !== 0 || uni.length > 0;
    const absorb = ownUniform || splittable.length > 1;
    for (const t of splittable) {
      if (absorb) {
        const u = t.args[0]!;
        if (u.kind === 'c') c = (c + u.imm) >>> 0;
        else uni.push(u);
        vary.push(t.args[1]!);
      } else vary.push(t);
    }
    let U: DagNode | null = null;
    if (uni.length) {
      const list = [...uni].sort((a, b) => a.id - b.id);
      if (c !== 0) list.push(this.const(c));
      U = list.length === 1 ? list[0]! : this.intern('u', 'add', list);
    } else if (c !== 0) U = this.const(c);
    if (!vary.length) return U ?? this.const(0);
    vary.sort((a, b) => a.id - b.id);
    const V = vary.length === 1 ? vary[0]! : this.intern('v', 'add', vary);
    return U ? this.intern('v', 'add', [U, V]) : V;
  }

  private bin(op: 'xor' | 'and' | 'or', a: DagNode, b: DagNode, f: (x: number, y: number) => number): DagNode {
    if (a.kind === 'c' && b.kind === 'c') return this.const(f(a.imm, b.imm));
    const [x, y] = a.id <= b.id ? [a, b] : [b, a];
    if (x === y) {
      if (op === 'xor') return this.const(0);
      return x;
    }
    if (op === 'xor') {
      if (x.kind === 'c' && x.imm === 0) return y;
      if (y.kind === 'c' && y.imm === 0) return x;
    }
    if (op === 'and') {
      if (x.kind === 'c' && x.imm === 0) return x;
      if (x.kind === 'c' && x.imm === 0xffffffff) return y;
    }
    if (op === 'or' && x.kind === 'c' && x.imm === 0) return y;
    return this.intern(DagBuilder.kindOf([x, y]), op, [x, y]);
  }
  xor(a: DagNode, b: DagNode): DagNode {
    return this.bin('xor', a, b, (x, y) => (x ^ y) >>> 0);
  }
  and(a: DagNode, b: DagNode): DagNode {
    return this.bin('and', a, b, (x, y) => (x & y) >>> 0);
  }
  or(a: DagNode, b: DagNode): DagNode {
    return this.bin('or', a, b, (x, y) => (x | y) >>> 0);
  }
  private unary(op: 'shr' | 'shl' | 'rotr', a: DagNode, n: number): DagNode {
    if (a.kind === 'c') return this.const(applyOp(op, [a.imm], n));
    return this.intern(a.kind, op, [a], n);
  }
  shr(a: DagNode, n: number): DagNode {
    return this.unary('shr', a, n);
  }
  shl(a: DagNode, n: number): DagNode {
    return this.unary('shl', a, n);
  }
  rotr(a: DagNode, n: number): DagNode {
    return this.unary('rotr', a, n);
  }

  bigSigma0(x: DagNode): DagNode {
    return this.xor(this.xor(this.rotr(x, 2), this.rotr(x, 13)), this.rotr(x, 22));
  }
  bigSigma1(x: DagNode): DagNode {
    return this.xor(this.xor(this.rotr(x, 6), this.rotr(x, 11)), this.rotr(x, 25));
  }
  smallSigma0(x: DagNode): DagNode {
    return this.xor(this.xor(this.rotr(x, 7), this.rotr(x, 18)), this.shr(x, 3));
  }
  smallSigma1(x: DagNode): DagNode {
    return this.xor(this.xor(this.rotr(x, 17), this.rotr(x, 19)), this.shr(x, 10));
  }
  /** Ch(e,f,g) = g ^ (e & (f ^ g)): 3 ops, and f ^ g is a job value while f, g are. */
  ch(e: DagNode, f: DagNode, g: DagNode): DagNode {
    return this.xor(g, this.and(e, this.xor(f, g)));
  }
  /**
   * Maj(a,b,c) = (b & c) | (a & (b | c)). The classic b ^ ((a ^ b) & (b ^ c)) form (sharing a ^ b
   * with the next round) saves an op only on ISAs without a 3-input logic op; with AVX-512
   * `vpternlogd` (llvmpipe) or LOP3 (NVIDIA) the whole of Maj is one instruction, and the shared
   * xor would be an extra one. When b, c are job values, b & c and b | c are hoisted.
   */
  maj(a: DagNode, b: DagNode, c: DagNode): DagNode {
    return this.or(this.and(b, c), this.and(a, this.or(b, c)));
  }

  /** The 64 rounds of one compression; returns the working variables after each round count. */
  rounds(state: DagNode[], block: DagNode[]): { a: DagNode[]; e: DagNode[] } {
    const w = [...block];
    for (let i = 16; i < 64; i++) w[i] = this.add(this.smallSigma1(w[i - 2]!), w[i - 7]!, this.smallSigma0(w[i - 15]!), w[i - 16]!);
    // a[i], e[i] are the values of a and e after round i-1 (a[0..3] = initial d,c,b,a order trick):
    // keep the classic register shuffle explicit for readability.
    let [a, b, c, d, e, f, g, h] = state as [DagNode, DagNode, DagNode, DagNode, DagNode, DagNode, DagNode, DagNode];
    const as: DagNode[] = [];
    const es: DagNode[] = [];
    for (let i = 0; i < 64; i++) {
      const t1 = this.add(h, this.bigSigma1(e), this.ch(e, f, g), this.const(K[i]!), w[i]!);
      const t2 = this.add(this.bigSigma0(a), this.maj(a, b, c));
      h = g; g = f; f = e; e = this.add(d, t1);
      d = c; c = b; b = a; a = this.add(t1, t2);
      as.push(a);
      es.push(e);
    }
    return { a: as, e: es };
  }

  /** Final state words of a compression (state + working variables after 64 rounds). */
  compress(state: DagNode[], block: DagNode[]): DagNode[] {
    const { a, e } = this.rounds(state, block);
    // After round 63: a=a63, b=a62, c=a61, d=a60, e=e63, f=e62, g=e61, h=e60.
    const fin = [a[63]!, a[62]!, a[61]!, a[60]!, e[63]!, e[62]!, e[61]!, e[60]!];
    return fin.map((x, i) => this.add(state[i]!, x));
  }
}

/** Evaluate one op on concrete values (shared by folding and the host-side evaluator). */
export function applyOp(op: Op, v: number[], imm: number): number {
  switch (op) {
    case 'add': {
      let s = 0;
      for (const x of v) s = (s + x) >>> 0;
      return s;
    }
    case 'xor': return (v[0]! ^ v[1]!) >>> 0;
    case 'and': return (v[0]! & v[1]!) >>> 0;
    case 'or': return (v[0]! | v[1]!) >>> 0;
    case 'shr': return v[0]! >>> imm;
    case 'shl': return (v[0]! << imm) >>> 0;
    case 'rotr': return ((v[0]! >>> imm) | (v[0]! << (32 - imm))) >>> 0;
    default: throw new Error(`applyOp: ${op} is not an operator`);
  }
}

/** The built SHA256d-H7 program: the DAG root and the host-computed job values it reads. */
export interface H7Program {
  builder: DagBuilder;
  /** H7 of the second hash (big-endian word 7 of the SHA256d digest) as a function of the nonce word. */
  root: DagNode;
  /** Job values (kind 'u') the kernel reads, in uniform-buffer order. */
  jobValues: DagNode[];
  /** Varying nodes in emission order (post-order from the root). */
  schedule: DagNode[];
  /** Operation count per nonce, WGSL-source ops (rotate = 3 ops: 2 shifts + or). */
  opsPerNonce: number;
}

/** Build the DAG of H7(SHA256d(header)) as a function of the nonce, with everything else hoisted. */
export function buildH7Program(opts: { constantsAsJobValues?: boolean } = {}): H7Program {
  const constAsJob = opts.constantsAsJobValues ?? true;
  const b = new DagBuilder();
  const M = Array.from({ length: 8 }, (_, i) => b.input(i));
  const block2 = [b.input(8), b.input(9), b.input(10), b.nonce(), b.const(0x80000000)];
  for (let i = 5; i < 15; i++) block2.push(b.const(0));
  block2.push(b.const(640)); // message length: 80 bytes = 640 bits
  const h1 = b.compress(M, block2);
  const block3 = [...h1, b.const(0x80000000), ...Array.from({ length: 6 }, () => b.const(0)), b.const(256)];
  const ivNodes = IV.map((x) => b.const(x));
  const { e } = b.rounds(ivNodes, block3);
  // H7 = IV7 + h after round 63 = IV7 + e after round 60; rounds 61..63 never computed.
  const root = b.add(ivNodes[7]!, e[60]!);

  const schedule: DagNode[] = [];
  const jobValues: DagNode[] = [];
  const seen = new Set<number>();
  let ops = 0;
  // Constants that feed a varying sum go through the uniform buffer too: LLVM's Reassociate pass
  // (run by llvmpipe) moves literal constants to the *last* add of a sum, which would put K[i]
  // after Σ1 on the round's critical path; a loaded value ranks early and is added first.
  let parentIsAdd = false;
  const visit = (n: DagNode): void => {
    if (seen.has(n.id)) return;
    seen.add(n.id);
    if (n.kind === 'u') {
      jobValues.push(n);
      return;
    }
    if (n.kind === 'c') {
      if (constAsJob && parentIsAdd) jobValues.push(n);
      else seen.delete(n.id);
      return;
    }
    if (n.op === 'nonce') return;
    for (const a of n.args) {
      parentIsAdd = n.op === 'add';
      visit(a);
    }
    schedule.push(n);
    ops += n.op === 'add' ? n.args.length - 1 : n.op === 'rotr' ? 3 : 1;
  };
  visit(root);
  return { builder: b, root, jobValues, schedule, opsPerNonce: ops };
}

/** Compute the job values (uniform contents) for a midstate and block-2 words W0..W2. */
export function evalJobValues(prog: H7Program, inputs: ArrayLike<number>): Uint32Array {
  if (inputs.length !== JOB_INPUTS.length) throw new RangeError(`expected ${JOB_INPUTS.length} job inputs`);
  const memo = new Map<number, number>();
  const ev = (n: DagNode): number => {
    const m = memo.get(n.id);
    if (m !== undefined) return m;
    let v: number;
    if (n.op === 'const') v = n.imm;
    else if (n.op === 'in') v = inputs[n.imm]! >>> 0;
    else if (n.kind !== 'u') throw new Error('evalJobValues reached a varying node');
    else v = applyOp(n.op, n.args.map(ev), n.imm);
    memo.set(n.id, v);
    return v;
  };
  return Uint32Array.from(prog.jobValues.map(ev));
}

/** Evaluate the whole program on the host for one nonce word (test oracle for the DAG itself). */
export function evalProgram(prog: H7Program, inputs: ArrayLike<number>, nonceWord: number): number {
  const memo = new Map<number, number>();
  const ev = (n: DagNode): number => {
    const m = memo.get(n.id);
    if (m !== undefined) return m;
    let v: number;
    if (n.op === 'const') v = n.imm;
    else if (n.op === 'in') v = inputs[n.imm]! >>> 0;
    else if (n.op === 'nonce') v = nonceWord >>> 0;
    else v = applyOp(n.op, n.args.map(ev), n.imm);
    memo.set(n.id, v);
    return v;
  };
  return ev(prog.root);
}

/** Kernel flavours: one nonce per lane (u32) or four (vec4<u32>). */
export type Lanes = 1 | 2 | 4;

const hex = (x: number): string => `0x${(x >>> 0).toString(16).padStart(8, '0')}u`;

/** WGSL spelling for one lane width: the value type `V` is `u32` or `vec<lanes><u32>`. */
interface LaneSyntax {
  lanes: Lanes;
  /** The WGSL type behind `alias V`. */
  V: string;
  /** A u32 constant as a value of type V. */
  lit(x: number): string;
  /** A shift amount as the right-hand side of `>>`/`<<` on V. */
  shift(n: number): string;
}

function laneSyntax(lanes: Lanes): LaneSyntax {
  return {
    lanes,
    V: lanes === 1 ? 'u32' : `vec${lanes}<u32>`,
    lit: (x) => (lanes === 1 ? hex(x) : `V(${hex(x)})`),
    shift: (n) => (lanes === 1 ? `${n}u` : `V(${n}u)`),
  };
}

/**
 * WGSL names of DAG nodes as the kernel defines them: job values `j<i>` (loaded from the uniform),
 * varying nodes `t<id>`, the nonce word `n`; constants not passed as job values are inlined.
 */
class KernelNames {
  private readonly names = new Map<number, string>();
  constructor(private readonly syntax: LaneSyntax) {}
  define(n: DagNode, name: string): string {
    this.names.set(n.id, name);
    return name;
  }
  ref(n: DagNode): string {
    const named = this.names.get(n.id);
    if (named) return named;
    if (n.kind === 'c') return this.syntax.lit(n.imm);
    if (n.op === 'nonce') return 'n';
    throw new Error(`node ${n.id} used before definition`);
  }
}

/**
 * Phase 1: the job values, loaded once per invocation above the NPI loop: llvmpipe bounds-checks
 * every uniform load (robust buffer access) and gallivm runs no LICM, so loads inside the loop
 * would repeat per value.
 */
function emitJobLoads(prog: H7Program, lanes: Lanes, names: KernelNames): string[] {
  return prog.jobValues.map((u, i) => {
    const name = names.define(u, `j${i}`);
    const comp = 'xyzw'[i % 4]!;
    return `  let ${name} = ${lanes === 1 ? '' : 'V('}job.c[${i >> 2}].${comp}${lanes === 1 ? '' : ')'};`;
  });
}

/** Phase 2: one `let` per varying node in schedule order, then `h` (H7 before the final byteswap). */
function emitSchedule(prog: H7Program, syntax: LaneSyntax, names: KernelNames): string[] {
  const body: string[] = [];
  for (const n of prog.schedule) {
    let expr: string;
    const a = n.args.map((x) => names.ref(x));
    switch (n.op) {
      case 'add': expr = a.join(' + '); break;
      case 'xor': expr = `${a[0]} ^ ${a[1]}`; break;
      case 'and': expr = `${a[0]} & ${a[1]}`; break;
      case 'or': expr = `${a[0]} | ${a[1]}`; break;
      case 'shr': expr = `${a[0]} >> ${syntax.shift(n.imm)}`; break;
      case 'shl': expr = `${a[0]} << ${syntax.shift(n.imm)}`; break;
      case 'rotr': expr = `rotr${n.imm}(${a[0]})`; break;
      default: throw new Error(`cannot emit ${n.op}`);
    }
    body.push(`  let ${names.define(n, `t${n.id}`)} = ${expr};`);
  }
  body.push(`  let h = ${names.ref(prog.root)};`);
  return body;
}

/** Phase 3: one rotate-right function per rotation amount the schedule uses. */
function emitRotateFns(prog: H7Program, lanes: Lanes): string[] {
  const rotAmounts = [...new Set(prog.schedule.filter((n) => n.op === 'rotr').map((n) => n.imm))].sort((x, y) => x - y);
  return rotAmounts.map((r) =>
    lanes === 1
      ? `fn rotr${r}(x: u32) -> u32 { return (x >> ${r}u) | (x << ${32 - r}u); }`
      : `fn rotr${r}(x: V) -> V { return (x >> V(${r}u)) | (x << V(${32 - r}u)); }`,
  );
}

// Phase 4, the text. The header comment is part of the kernel's bytes, hence of the sourceSha256
// results record: it is frozen (test/hash/kernel-generated.test.ts pins the hashes) even where it
// has aged (the reading copies are now built into dist/shaders/, not committed in shaders/; the test
// it names now lives at test/hash/kernel-generated.test.ts).

/** The kernel's header comment. */
function kernelHeader(prog: H7Program, lanes: Lanes): string {
  return `// GENERATED by src/hash/kernel-gen.ts (${lanes === 1 ? 'u32 lanes: 1 nonce' : `vec${lanes}<u32> lanes: ${lanes} nonces`} per value).
// joulebench emits this kernel in memory from the generator; shaders/${GENERATED_KERNELS[lanes]} is a copy for
// reading (test/hash-kernel-generated.test.ts keeps it identical) and editing it changes nothing. To run an
// edited kernel, put it in a directory named by JOULEBENCH_SHADER_DIR (it must pass the self-check).
//
// SHA256d nonce search, cut short at H7. Per nonce: ${prog.opsPerNonce} WGSL ops (rotate counted as 3).
// Host side (src/hash/kernels.ts) computes the ${prog.jobValues.length} job values j* in \`job\`: the midstate, rounds 0-2 of
// block 2, the nonce-independent parts of later rounds and message words, all constant padding folded.
// A nonce is a candidate when byteswap(H7) <= params.targetTop; the host checks the full target.`;
}

/** Alias, override constants, the three bindings' structs and declarations. */
function kernelDeclarations(V: string, lanes: Lanes, nc: number): string {
  return `alias V = ${V};

/** Workgroup size (autotuned). */
override WG: u32 = 64u;
/** Values per invocation; each value holds ${lanes} nonce(s) (autotuned). */
override NPI: u32 = 1u;

struct Params {
  /** First nonce of this dispatch. */
  base: u32,
  /** Nonces in this dispatch: offsets >= count are computed but never reported. */
  count: u32,
  /** Top 32 bits of the target. */
  targetTop: u32,
  /** Capacity of out.nonces. */
  cap: u32,
}

struct Job {
  c: array<vec4<u32>, ${nc}>,
}

struct Out {
  /** Candidates found; may exceed cap, which tells the host to re-scan the slice. */
  count: atomic<u32>,
  pad0: u32,
  pad1: u32,
  pad2: u32,
  nonces: array<u32>,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<uniform> job: Job;
@group(0) @binding(2) var<storage, read_write> out: Out;`;
}

/** bswap and the candidate reporter. */
function kernelHelpers(): string {
  return `fn bswap(x: V) -> V {
  return (x << V(24u)) | ((x & V(0xff00u)) << V(8u)) | ((x >> V(8u)) & V(0xff00u)) | (x >> V(24u));
}

fn report(nonce: u32) {
  let i = atomicAdd(&out.count, 1u);
  if (i < params.cap) {
    out.nonces[i] = nonce;
  }
}`;
}

/** The entry point: nonces of this invocation, the NPI loop, the hit test. */
function kernelEntryPoint(lanes: Lanes, loads: string[], body: string[]): string {
  const laneOffsets = lanes === 1 ? '0u' : lanes === 2 ? 'V(0u, 1u)' : 'V(0u, 1u, 2u, 3u)';
  const hitCheck =
    lanes === 1
      ? `    if (hit) {\n      report(base + off);\n    }`
      : `    if (any(hit)) {\n      for (var c = 0u; c < ${lanes}u; c++) {\n        if (hit[c]) {\n          report(base + off[c]);\n        }\n      }\n    }`;
  return `@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let base = params.base;
  let count = params.count;
  let targetTop = params.targetTop;
${loads.join('\n')}
  let first = gid.x * NPI * ${lanes}u;
  for (var k = 0u; k < NPI; k++) {
    let off = V(first + k * ${lanes}u) + ${laneOffsets};
    // n = block-2 W3 = byteswap(nonce): SHA reads the little-endian nonce field big-endian.
    let n = bswap(V(base) + off);
    // H7 of SHA256d(header with nonce), as a function of n; rounds 61-63 of the second hash are never computed.
${body.map((l) => '  ' + l).join('\n')}
    let hit = (bswap(h) <= V(targetTop)) & (off < V(count));
${hitCheck}
  }
}`;
}

/** Emit the WGSL search kernel for `lanes` nonces per SIMD value. */
export function emitKernel(prog: H7Program, lanes: Lanes): string {
  const syntax = laneSyntax(lanes);
  const names = new KernelNames(syntax);
  const loads = emitJobLoads(prog, lanes, names);
  const body = emitSchedule(prog, syntax, names);
  const nc = Math.max(1, Math.ceil(prog.jobValues.length / 4));
  return [kernelHeader(prog, lanes), kernelDeclarations(syntax.V, lanes, nc), emitRotateFns(prog, lanes).join('\n'), kernelHelpers(), kernelEntryPoint(lanes, loads, body)].join('\n\n') + '\n';
}

/** Shader file names of the generated kernels. */
export const GENERATED_KERNELS: Record<Lanes, string> = { 1: 'sha256d_x1.wgsl', 2: 'sha256d_x2.wgsl', 4: 'sha256d_x4.wgsl' };

/** Where `npm run build` puts the generated kernels: `<package>/dist/shaders`. */
export function builtShaderDir(): string {
  return join(packageRoot(), 'dist', 'shaders');
}

/**
 * Write every generated kernel to `dir` (created if missing; each file replaced atomically, so a
 * reader never sees half a kernel). Returns the paths written.
 */
export function writeGeneratedKernels(dir: string, prog: H7Program = buildH7Program()): string[] {
  return ([1, 2, 4] as const).map((lanes) => {
    const path = join(dir, GENERATED_KERNELS[lanes]);
    writeFileAtomic(path, emitKernel(prog, lanes));
    return path;
  });
}

/** Compare the files in `dir` with the generator: one entry per kernel, `upToDate` false when missing or different. */
export function checkGeneratedKernels(dir: string, prog: H7Program = buildH7Program()): Array<{ path: string; upToDate: boolean }> {
  return ([1, 2, 4] as const).map((lanes) => {
    const path = join(dir, GENERATED_KERNELS[lanes]);
    let current: string | null = null;
    try {
      current = readFileSync(path, 'utf8');
    } catch {
      /* missing: not up to date */
    }
    return { path, upToDate: current === emitKernel(prog, lanes) };
  });
}

/**
 * CLI: `kernel-gen [--write | --check] [dir]` prints the op count; `--write` writes the generated
 * kernels to `dir` (default dist/shaders/ of the package, found from package.json, so this works
 * from src/ with tsx and from dist/src/ alike: `npm run build` runs it), `--check` exits 1 when one
 * there is missing or differs from the generator.
 */
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const bad = args.find((a) => a.startsWith('-') && a !== '--write' && a !== '--check');
  if (bad) {
    process.stderr.write(`kernel-gen: unknown option ${bad}; usage: kernel-gen [--write | --check] [dir]\n`);
    process.exit(2);
  }
  const dir = args.find((a) => !a.startsWith('-')) ?? builtShaderDir();
  const prog = buildH7Program();
  process.stdout.write(`ops per nonce (WGSL source, rotate=3): ${prog.opsPerNonce}; job values: ${prog.jobValues.length}\n`);
  if (args.includes('--write')) {
    for (const path of writeGeneratedKernels(dir, prog)) process.stdout.write(`wrote ${path}\n`);
  } else if (args.includes('--check')) {
    const results = checkGeneratedKernels(dir, prog);
    for (const r of results) process.stdout.write(`${r.path}: ${r.upToDate ? 'up to date' : 'missing or differs from the generator (run with --write, or npm run build)'}\n`);
    if (results.some((r) => !r.upToDate)) process.exitCode = 1;
  }
}
