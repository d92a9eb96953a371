#!/usr/bin/env node
// Side-by-side SHA256d throughput: `joulebench hash bench` against the native CPU/OpenCL peers
// present on this machine, measured one after another in one run, with the ratios.
//
//   node bench/hash-peers.mjs [--rounds N] [--seconds S] [--peer-seconds S] [--json] [--check] [--no-wide]
//
// Peers (used only when present; nothing is installed or built by this script):
//   cpuminer (pooler):  `minerd --benchmark -a sha256d -t <cores>`; found on PATH or via $MINERD.
//   hashcat:            `hashcat -b -m 21400 --force` (sha256(sha256_bin($pass)): two SHA-256
//                       compressions per candidate, like a midstate SHA256d nonce); PATH or $HASHCAT.
//                       On a CPU-only Debian box: apt-get install hashcat pocl-opencl-icd.
// joulebench itself runs from this checkout (`node --import tsx src/cli/main.ts`), or $JOULEBENCH
// (a command line, e.g. "joulebench" or "node dist/src/cli/main.js").
// --rounds N (default 2) repeats the three measurements N times, in alternating order so drift in
// machine load does not favour one tool, and reports medians.
// --check exits 1 unless joulebench >= 1.2x cpuminer and >= 0.3x hashcat (issue 3's bar), using
// the default configuration. When the adapter is llvmpipe and the CPU has AVX-512, joulebench is
// also run with --llvmpipe-width 512 (opt-in: 16 invocations per SIMD op) and reported on its own
// row; --no-wide skips that.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (name, dflt) => {
  const i = args.indexOf(name);
  if (i < 0) return dflt;
  const v = Number(args[i + 1]);
  if (!Number.isFinite(v) || v <= 0) {
    process.stderr.write(`hash-peers: ${name} needs a positive number\n`);
    process.exit(2);
  }
  return v;
};
const rounds = flag('--rounds', 2);
const seconds = flag('--seconds', 10);
const peerSeconds = flag('--peer-seconds', 15);
const asJson = args.includes('--json');
const check = args.includes('--check');
const log = (s) => process.stderr.write(`[hash-peers] ${s}\n`);
process.env.XDG_RUNTIME_DIR ??= '/tmp';

function which(name, envVar) {
  if (process.env[envVar]) return process.env[envVar];
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

/** Run a command to completion with a time bound; returns stdout. */
function runBounded(cmd, argv, timeoutS, opts = {}) {
  const r = spawnSync(cmd, argv, { encoding: 'utf8', timeout: timeoutS * 1000, maxBuffer: 64 << 20, cwd: root, ...opts });
  if (r.error) throw new Error(`${cmd}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} exited ${r.status}: ${(r.stderr || '').trim().split('\n').slice(-3).join(' | ')}`);
  return r.stdout;
}

function joulebench(extra = []) {
  const base = process.env.JOULEBENCH ? process.env.JOULEBENCH.split(/\s+/) : [process.execPath, '--import', 'tsx', 'src/cli/main.ts'];
  const argv = [...base.slice(1), 'hash', 'bench', '--seconds', String(seconds), '--json', ...extra];
  log(`joulebench: ${[base[0], ...argv].join(' ')}`);
  const out = runBounded(base[0], argv, seconds + 600);
  const doc = JSON.parse(out);
  const d = doc.measurement.details;
  return {
    hashesPerSecond: doc.hashesPerSecond,
    median: doc.measurement.metrics.hashesPerSecond.summary.median,
    relStdev: doc.measurement.metrics.hashesPerSecond.summary.relStdev,
    launch: d.launch.label,
    adapter: doc.measurement.adapter?.name,
    software: doc.measurement.adapter?.isSoftware,
  };
}

/** minerd prints "Total: 20345.67 khash/s" lines on stderr; run it for peerSeconds and average them. */
function cpuminer(bin) {
  const threads = cpus().length;
  log(`cpuminer: ${bin} --benchmark -a sha256d -t ${threads} (${peerSeconds} s)`);
  return new Promise((resolve, reject) => {
    const child = spawn(bin, ['--benchmark', '-a', 'sha256d', '-t', String(threads)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const totals = [];
    let buf = '';
    const onData = (chunk) => {
      buf += chunk;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        const m = /Total:\s*([\d.]+)\s*([kMG]?)hash\/s/.exec(line);
        if (m) totals.push(Number(m[1]) * { '': 1, k: 1e3, M: 1e6, G: 1e9 }[m[2]]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    const timer = setTimeout(() => child.kill('SIGTERM'), peerSeconds * 1000);
    const hard = setTimeout(() => child.kill('SIGKILL'), (peerSeconds + 10) * 1000);
    child.on('close', () => {
      clearTimeout(timer);
      clearTimeout(hard);
      // The first totals come while threads are still starting: skip up to a third of them.
      const used = totals.slice(Math.min(2, Math.floor(totals.length / 3)));
      if (!used.length) return reject(new Error('cpuminer printed no "Total: ... hash/s" line'));
      used.sort((a, b) => a - b);
      resolve({ hashesPerSecond: used.reduce((a, b) => a + b, 0) / used.length, median: used[used.length >> 1], reports: used.length, threads });
    });
  });
}

/** hashcat --machine-readable benchmark line: device:mode:...:...:runtime_ms:hashes_per_s. */
function hashcat(bin) {
  const argv = ['-b', '-m', '21400', '--force', '--machine-readable', '--quiet'];
  log(`hashcat: ${bin} ${argv.join(' ')}`);
  const out = runBounded(bin, argv, 900);
  let total = 0;
  for (const line of out.split('\n')) {
    const f = line.trim().split(':');
    if (f.length >= 6 && f[1] === '21400') total += Number(f[f.length - 1]);
  }
  if (!(total > 0)) throw new Error(`hashcat: no -m 21400 speed line in output: ${out.slice(0, 200)}`);
  return { hashesPerSecond: total };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

let avx512 = false;
try {
  avx512 = / avx512f /.test(readFileSync('/proc/cpuinfo', 'utf8').replace(/\n/g, ' '));
} catch {
  /* not Linux */
}
const wide = avx512 && !args.includes('--no-wide');
const minerdBin = which('minerd', 'MINERD');
const hashcatBin = which('hashcat', 'HASHCAT');
if (!minerdBin) log('cpuminer (minerd) not found: set $MINERD or put minerd on PATH');
if (!hashcatBin) log('hashcat not found: set $HASHCAT or apt-get install hashcat pocl-opencl-icd');

const runs = [];
for (let r = 0; r < rounds; r++) {
  const row = { round: r + 1, loadAverageBefore: loadavg()[0] };
  const steps = [
    async () => (row.joulebench = joulebench()),
    async () => {
      if (!wide) return;
      const w = joulebench(['--llvmpipe-width', '512']);
      if (/llvmpipe/i.test(w.adapter ?? '')) row.joulebench512 = w;
    },
    async () => minerdBin && (row.cpuminer = await cpuminer(minerdBin)),
    async () => hashcatBin && (row.hashcat = hashcat(hashcatBin)),
  ];
  for (const step of r % 2 ? steps.reverse() : steps) await step();
  runs.push(row);
  log(`round ${r + 1}: joulebench ${(row.joulebench.hashesPerSecond / 1e6).toFixed(2)} MH/s` +
    (row.cpuminer ? `, cpuminer ${(row.cpuminer.hashesPerSecond / 1e6).toFixed(2)} MH/s` : '') +
    (row.hashcat ? `, hashcat ${(row.hashcat.hashesPerSecond / 1e6).toFixed(2)} MH/s` : ''));
}

const jb = median(runs.map((r) => r.joulebench.hashesPerSecond));
const jbw = runs.every((r) => r.joulebench512) ? median(runs.map((r) => r.joulebench512.hashesPerSecond)) : null;
const cm = minerdBin ? median(runs.map((r) => r.cpuminer.hashesPerSecond)) : null;
const hc = hashcatBin ? median(runs.map((r) => r.hashcat.hashesPerSecond)) : null;
const summary = {
  machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, loadAverage1mAtStartOfRounds: runs.map((r) => r.loadAverageBefore) },
  joulebench: { hashesPerSecond: jb, launch: runs[0].joulebench.launch, adapter: runs[0].joulebench.adapter, software: runs[0].joulebench.software },
  cpuminer: cm === null ? null : { hashesPerSecond: cm, command: 'minerd --benchmark -a sha256d' },
  hashcat: hc === null ? null : { hashesPerSecond: hc, command: 'hashcat -b -m 21400 --force' },
  joulebenchLlvmpipe512: jbw === null ? null : { hashesPerSecond: jbw, launch: runs[0].joulebench512.launch, adapter: runs[0].joulebench512.adapter },
  ratios: { vsCpuminer: cm ? jb / cm : null, vsHashcat: hc ? jb / hc : null },
  ratiosLlvmpipe512: jbw === null ? null : { vsCpuminer: cm ? jbw / cm : null, vsHashcat: hc ? jbw / hc : null },
  bar: { vsCpuminer: 1.2, vsHashcat: 0.3 },
  rounds: runs,
};

if (asJson) process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
else {
  const mh = (x) => `${(x / 1e6).toFixed(2)} MH/s`;
  const lines = [];
  lines.push(`SHA256d side by side (${rounds} round(s), medians; ${summary.machine.cores} cores, ${summary.machine.cpu}; 1-min load before each round: ${runs.map((r) => r.loadAverageBefore.toFixed(2)).join(', ')})`);
  lines.push(`  joulebench hash bench  ${mh(jb).padStart(14)}   ${summary.joulebench.launch} on ${summary.joulebench.adapter}${summary.joulebench.software ? ' [software adapter: CPU timings]' : ''}`);
  if (jbw !== null) lines.push(`  joulebench, 512-bit    ${mh(jbw).padStart(14)}   --llvmpipe-width 512 (opt-in), ${summary.joulebenchLlvmpipe512.launch} on ${summary.joulebenchLlvmpipe512.adapter}`);
  lines.push(`  cpuminer (minerd)      ${cm ? mh(cm).padStart(14) : '   not present'}`);
  lines.push(`  hashcat -m 21400       ${hc ? mh(hc).padStart(14) : '   not present'}`);
  if (cm) lines.push(`  joulebench / cpuminer = ${(jb / cm).toFixed(2)}x  (bar: >= 1.2x)`);
  if (hc) lines.push(`  joulebench / hashcat  = ${(jb / hc).toFixed(2)}x  (bar: >= 0.3x)`);
  if (jbw !== null && cm) lines.push(`  512-bit / cpuminer    = ${(jbw / cm).toFixed(2)}x`);
  if (jbw !== null && hc) lines.push(`  512-bit / hashcat     = ${(jbw / hc).toFixed(2)}x`);
  process.stdout.write(lines.join('\n') + '\n');
}
if (check) {
  const ok = (cm === null || jb / cm >= 1.2) && (hc === null || jb / hc >= 0.3);
  process.exit(ok ? 0 : 1);
}
process.exit(0);
