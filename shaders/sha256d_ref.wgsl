// Reference SHA256d nonce search: plain, readable, no tricks beyond reading the header from a
// uniform. One nonce per invocation, both SHA-256 blocks of the header and the second hash in
// full (FIPS 180-4 §6.2.2, loops over arrays). The fast kernels (sha256d_x1/x4.wgsl) are checked
// against the same host reference; this one exists to be obviously right.
//
// Bindings match the fast kernels so one driver (src/hash/search.ts) runs both.
// A nonce is a candidate when byteswap(H7) <= params.targetTop, i.e. the top 32 bits of the
// hash read as a little-endian 256-bit number; the host then checks the full target.

/** Workgroup size (autotuned). */
override WG: u32 = 64u;
/** Unused here (the fast kernels' nonces per invocation); declared so both take the same constants. */
override NPI: u32 = 1u;

struct Params {
  base: u32,
  count: u32,
  targetTop: u32,
  cap: u32,
}

/** The 80-byte header as 20 big-endian words (word 19, the nonce, is replaced per invocation). */
struct Job {
  w: array<vec4<u32>, 5>,
}

struct Out {
  count: atomic<u32>,
  pad0: u32,
  pad1: u32,
  pad2: u32,
  nonces: array<u32>,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<uniform> job: Job;
@group(0) @binding(2) var<storage, read_write> out: Out;

const K = array<u32, 64>(
  0x428a2f98u, 0x71374491u, 0xb5c0fbcfu, 0xe9b5dba5u, 0x3956c25bu, 0x59f111f1u, 0x923f82a4u, 0xab1c5ed5u,
  0xd807aa98u, 0x12835b01u, 0x243185beu, 0x550c7dc3u, 0x72be5d74u, 0x80deb1feu, 0x9bdc06a7u, 0xc19bf174u,
  0xe49b69c1u, 0xefbe4786u, 0x0fc19dc6u, 0x240ca1ccu, 0x2de92c6fu, 0x4a7484aau, 0x5cb0a9dcu, 0x76f988dau,
  0x983e5152u, 0xa831c66du, 0xb00327c8u, 0xbf597fc7u, 0xc6e00bf3u, 0xd5a79147u, 0x06ca6351u, 0x14292967u,
  0x27b70a85u, 0x2e1b2138u, 0x4d2c6dfcu, 0x53380d13u, 0x650a7354u, 0x766a0abbu, 0x81c2c92eu, 0x92722c85u,
  0xa2bfe8a1u, 0xa81a664bu, 0xc24b8b70u, 0xc76c51a3u, 0xd192e819u, 0xd6990624u, 0xf40e3585u, 0x106aa070u,
  0x19a4c116u, 0x1e376c08u, 0x2748774cu, 0x34b0bcb5u, 0x391c0cb3u, 0x4ed8aa4au, 0x5b9cca4fu, 0x682e6ff3u,
  0x748f82eeu, 0x78a5636fu, 0x84c87814u, 0x8cc70208u, 0x90befffau, 0xa4506cebu, 0xbef9a3f7u, 0xc67178f2u,
);

const IV = array<u32, 8>(0x6a09e667u, 0xbb67ae85u, 0x3c6ef372u, 0xa54ff53au, 0x510e527fu, 0x9b05688cu, 0x1f83d9abu, 0x5be0cd19u);

fn rotr(x: u32, n: u32) -> u32 {
  return (x >> n) | (x << (32u - n));
}

fn bswap(x: u32) -> u32 {
  return (x << 24u) | ((x & 0xff00u) << 8u) | ((x >> 8u) & 0xff00u) | (x >> 24u);
}

/** One SHA-256 compression: state += rounds(block). */
fn compress(state: ptr<function, array<u32, 8>>, block: array<u32, 16>) {
  var w: array<u32, 64>;
  for (var i = 0u; i < 16u; i++) {
    w[i] = block[i];
  }
  for (var i = 16u; i < 64u; i++) {
    let s0 = rotr(w[i - 15u], 7u) ^ rotr(w[i - 15u], 18u) ^ (w[i - 15u] >> 3u);
    let s1 = rotr(w[i - 2u], 17u) ^ rotr(w[i - 2u], 19u) ^ (w[i - 2u] >> 10u);
    w[i] = w[i - 16u] + s0 + w[i - 7u] + s1;
  }
  var a = (*state)[0];
  var b = (*state)[1];
  var c = (*state)[2];
  var d = (*state)[3];
  var e = (*state)[4];
  var f = (*state)[5];
  var g = (*state)[6];
  var h = (*state)[7];
  for (var i = 0u; i < 64u; i++) {
    let S1 = rotr(e, 6u) ^ rotr(e, 11u) ^ rotr(e, 25u);
    let chv = (e & f) ^ (~e & g);
    let t1 = h + S1 + chv + K[i] + w[i];
    let S0 = rotr(a, 2u) ^ rotr(a, 13u) ^ rotr(a, 22u);
    let majv = (a & b) ^ (a & c) ^ (b & c);
    let t2 = S0 + majv;
    h = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }
  (*state)[0] += a;
  (*state)[1] += b;
  (*state)[2] += c;
  (*state)[3] += d;
  (*state)[4] += e;
  (*state)[5] += f;
  (*state)[6] += g;
  (*state)[7] += h;
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let off = gid.x;
  if (off >= params.count) {
    return;
  }
  let nonce = params.base + off;

  // First hash: the 80-byte header in two blocks (SHA-256 padding: 0x80 byte, zeros, bit length 640).
  var state = IV;
  var block: array<u32, 16>;
  for (var i = 0u; i < 16u; i++) {
    block[i] = job.w[i / 4u][i % 4u];
  }
  compress(&state, block);
  for (var i = 0u; i < 16u; i++) {
    block[i] = 0u;
  }
  block[0] = job.w[4].x;
  block[1] = job.w[4].y;
  block[2] = job.w[4].z;
  block[3] = bswap(nonce); // the nonce is stored little-endian; SHA reads words big-endian
  block[4] = 0x80000000u;
  block[15] = 640u;
  compress(&state, block);

  // Second hash: the 32-byte digest in one padded block (bit length 256).
  for (var i = 0u; i < 8u; i++) {
    block[i] = state[i];
  }
  block[8] = 0x80000000u;
  for (var i = 9u; i < 15u; i++) {
    block[i] = 0u;
  }
  block[15] = 256u;
  var state2 = IV;
  compress(&state2, block);

  if (bswap(state2[7]) <= params.targetTop) {
    let i = atomicAdd(&out.count, 1u);
    if (i < params.cap) {
      out.nonces[i] = nonce;
    }
  }
}
