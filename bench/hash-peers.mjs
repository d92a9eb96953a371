#!/usr/bin/env node
// SHA256d side by side: fresh `joulebench hash bench` processes alternated with pooler's cpuminer
// (and hashcat when present) in one session, every run printed and kept, with medians, run-to-run
// CV and the issue-19 bar.
//
//   node bench/hash-peers.mjs [--rounds N] [--seconds S] [--peer-seconds S (default --seconds + 2: the same timed length)] [--out FILE] [--json]
//                             [--check] [--wide] [--no-hashcat]
//
// Each round runs joulebench and cpuminer once each, in alternating order (ABBA...), so a drift in
// machine load does not favour one tool; the run-to-run spread is measured on both sides in the
// same rounds (the peer is the noise reference, not a number from elsewhere). Run it under the
// shared CPU lock on a quiet machine: `flock /tmp/jb-cpu.lock node bench/hash-peers.mjs --rounds 20`.
// Each run also records the host's activity over it (idle, steal, other processes' CPU from /proc;
// src/host/activity.ts), so a slow run can be explained or blamed.
//
// Peers (used only when present; nothing is installed or built by this script):
//   cpuminer (pooler):  `minerd --benchmark -a sha256d -t <cores> -s 1` ($MINERD or PATH); its rate
//                       is the hashes its threads report over the run (first 2 s skipped) / time.
//   hashcat:            `hashcat -b -m 21400 --force` (two SHA-256 compressions per candidate, like
//                       a midstate SHA256d nonce; $HASHCAT or PATH); one run per round.
// joulebench runs from this checkout's build (`node dist/src/cli/main.js`; `npm ci` builds it), or
// $JOULEBENCH (a command line).
// --check exits 1 unless the bar holds: no joulebench run below 0.9x the joulebench median, and the
// joulebench run-to-run CV <= max(5 %, 1.5x cpuminer's CV in the same rounds).
// A round is marked disturbed when others (processes, hypervisor steal) took more than 5 % of the CPUs during either
// tool's run (each run's hostActivity); the bar is judged on every run, and the undisturbed
// rounds' figures are printed beside it so a slow run can be told from a slow harness.
// --wide also runs joulebench with --llvmpipe-width 512 (AVX-512 CPUs, software adapter) each round.
// Output: every run, medians, CVs, CPU model and flags, adapter, date, commit → --out (default
// bench/out/hash-peers.json, written via a temp file and rename) and a table on stdout.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const log = (s) => process.stderr.write(`[hash-peers] ${s}\n`);
process.env.XDG_RUNTIME_DIR ??= '/tmp';

/** Parse argv; bad input exits 2 with one line. */
function parseArgs(argv) {
  const o = { rounds: 2, seconds: 5, peerSeconds: null, out: join(root, 'bench/out/hash-peers.json'), json: false, check: false, wide: false, hashcat: true };
  const num = (name, v, min, max) => {
    const x = Number(v);
    if (v === undefined || !Number.isFinite(x) || x < min || x > max) {
      process.stderr.write(`hash-peers: ${name} needs a number from ${min} to ${max}, got '${v ?? ''}'\n`);
      process.exit(2);
    }
    return x;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--rounds') o.rounds = Math.round(num(a, argv[++i], 1, 1000));
    else if (a === '--seconds') o.seconds = num(a, argv[++i], 0.5, 600);
    else if (a === '--peer-seconds') o.peerSeconds = num(a, argv[++i], 4, 600);
    else if (a === '--out') o.out = resolve(argv[++i] ?? '');
    else if (a === '--json') o.json = true;
    else if (a === '--check') o.check = true;
    else if (a === '--wide') o.wide = true;
    else if (a === '--no-hashcat') o.hashcat = false;
    else {
      process.stderr.write(`hash-peers: unknown argument '${a}' (see the header of bench/hash-peers.mjs)\n`);
      process.exit(2);
    }
  }
  // Like for like: cpuminer's rate is taken over the same timed length as joulebench's (its first
  // 2 s are skipped, so it runs 2 s longer). A longer peer window averages out more of the
  // machine's transient dips and makes the peer's run-to-run CV, the bar's reference, look lower
  // than the same machine gives joulebench (measured: see README, "The bar above is that run's").
  o.peerSeconds ??= Math.max(4, o.seconds + 2);
  return o;
}

function which(name, envVar) {
  if (process.env[envVar]) return process.env[envVar];
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

/** CPU model and flags (/proc/cpuinfo), cores, commit, date. */
function machineInfo() {
  let model = cpus()[0]?.model ?? 'unknown';
  let flags = [];
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    model = /^model name\s*:\s*(.*)$/m.exec(info)?.[1] ?? model;
    flags = (/^flags\s*:\s*(.*)$/m.exec(info)?.[1] ?? '').split(/\s+/).filter(Boolean);
  } catch {
    /* not Linux */
  }
  const git = (...a) => {
    try {
      return execFileSync('git', a, { cwd: root, encoding: 'utf8' }).trim();
    } catch {
      return null;
    }
  };
  // Measured output (bench/out, results) does not make the code differ from the commit (src/results/bench-out.ts).
  const dirty = git('status', '--porcelain', '--untracked-files=no', '--', '.', ':(exclude)bench/out', ':(exclude)results');
  return { cpu: { model, flags, cores: cpus().length }, commit: git('rev-parse', 'HEAD'), dirty: dirty === null ? null : dirty !== '', date: new Date().toISOString() };
}

/** src/host/activity.ts from the build (for the peers' host activity; joulebench records its own). */
const activity = await import(pathToFileURL(join(root, 'dist/src/host/activity.js')).href).catch(() => null);

/** Run a command with a time bound; returns stdout, throws with the stderr tail on failure. */
function runBounded(cmd, argv, timeoutS) {
  const r = spawnSync(cmd, argv, { encoding: 'utf8', timeout: timeoutS * 1000, maxBuffer: 64 << 20, cwd: root, killSignal: 'SIGKILL' });
  if (r.error) throw new Error(`${cmd}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} exited ${r.status}: ${(r.stderr || '').trim().split('\n').slice(-3).join(' | ')}`);
  return r.stdout;
}

/** One fresh `hash bench` process; its figure, pipeline and host activity. */
function joulebenchRun(o, extra) {
  const base = process.env.JOULEBENCH ? process.env.JOULEBENCH.split(/\s+/) : [process.execPath, 'dist/src/cli/main.js'];
  const argv = [...base.slice(1), 'hash', 'bench', '--seconds', String(o.seconds), '--json', ...extra];
  const doc = JSON.parse(runBounded(base[0], argv, o.seconds + 600));
  const m = doc.measurement;
  const h = m.metrics.hashesPerSecond;
  return {
    command: ['joulebench', ...argv.slice(argv.indexOf('hash'))].join(' '),
    hashesPerSecond: doc.hashesPerSecond,
    sliceMedian: h.summary.median,
    sliceRelStdev: h.summary.relStdev,
    steadyState: h.steadyState ?? null,
    launch: m.details.launch.label,
    adapter: m.adapter?.name ?? null,
    software: m.adapter?.isSoftware ?? null,
    warmup: m.details.warmup ?? null,
    pipeline: m.details.pipeline ?? null,
    hostActivity: m.hostActivity ?? null,
  };
}

/**
 * One cpuminer run of `peerSeconds`: threads print "thread N: H hashes, R khash/s" after each scan
 * (-s 1: scans of about a second); the rate is Σ threads (hashes reported after the first 2 s) /
 * (time of the thread's last report − time of its last report before that window).
 */
function cpuminerRun(bin, o) {
  const threads = cpus().length;
  const argv = ['--benchmark', '-a', 'sha256d', '-t', String(threads), '-s', '1'];
  return new Promise((res, rej) => {
    const child = spawn(bin, argv, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const t0 = performance.now();
    // Host activity over the same window as the rate (from 2 s to the end), minerd as "self".
    let hostA = null;
    let hostB = null;
    const snap = () => activity?.tryHostSnapshot(child.pid) ?? null;
    const atTwo = setTimeout(() => (hostA = snap()), 2000);
    const per = new Map(); // thread → { lastBeforeMs, hashes, lastMs }
    const totals = [];
    let buf = '';
    const onData = (chunk) => {
      buf += chunk;
      for (let i; (i = buf.indexOf('\n')) >= 0; buf = buf.slice(i + 1)) {
        const line = buf.slice(0, i);
        const now = (performance.now() - t0) / 1000;
        const t = /thread (\d+): (\d+) hashes/.exec(line);
        if (t) {
          const s = per.get(t[1]) ?? { lastBeforeMs: null, hashes: 0, lastMs: null };
          if (now < 2 || s.lastBeforeMs === null) s.lastBeforeMs = now;
          else {
            s.hashes += Number(t[2]);
            s.lastMs = now;
          }
          per.set(t[1], s);
        }
        const m = /Total:\s*([\d.]+)\s*([kMG]?)hash\/s/.exec(line);
        if (m && now >= 2) totals.push(Number(m[1]) * { '': 1, k: 1e3, M: 1e6, G: 1e9 }[m[2]]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', rej);
    const kill = (sig) => {
      try {
        process.kill(-child.pid, sig); // the whole group
      } catch {
        /* gone */
      }
    };
    const timer = setTimeout(() => {
      hostB = snap();
      kill('SIGTERM');
    }, o.peerSeconds * 1000);
    const hard = setTimeout(() => kill('SIGKILL'), (o.peerSeconds + 10) * 1000);
    child.on('close', () => {
      clearTimeout(timer);
      clearTimeout(hard);
      clearTimeout(atTwo);
      const used = [...per.values()].filter((s) => s.lastMs !== null && s.lastMs > s.lastBeforeMs);
      if (used.length < threads) return rej(new Error(`cpuminer: only ${used.length} of ${threads} threads reported twice after 2 s; raise --peer-seconds`));
      const rate = used.reduce((a, s) => a + s.hashes / (s.lastMs - s.lastBeforeMs), 0);
      const hostActivity = hostA && hostB ? activity.hostActivityBetween(hostA, hostB) : null;
      res({ command: `minerd ${argv.join(' ')}`, hashesPerSecond: rate, minerdTotalMean: totals.length ? totals.reduce((a, b) => a + b, 0) / totals.length : null, threads, hostActivity });
    });
  });
}

/** hashcat --machine-readable benchmark line: device:mode:...:hashes_per_s. */
function hashcatRun(bin) {
  const argv = ['-b', '-m', '21400', '--force', '--machine-readable', '--quiet'];
  const out = runBounded(bin, argv, 900);
  let total = 0;
  for (const line of out.split('\n')) {
    const f = line.trim().split(':');
    if (f.length >= 6 && f[1] === '21400') total += Number(f[f.length - 1]);
  }
  if (!(total > 0)) throw new Error(`hashcat: no -m 21400 speed line in output: ${out.slice(0, 200)}`);
  return { command: `hashcat ${argv.join(' ')}`, hashesPerSecond: total };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
/** Run-to-run coefficient of variation: sample sd / mean. */
const cv = (xs) => {
  if (xs.length < 2) return null;
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1)) / m;
};
const stats = (xs) => (xs.length ? { runs: xs.length, median: median(xs), min: Math.min(...xs), max: Math.max(...xs), cv: cv(xs), minOverMedian: Math.min(...xs) / median(xs) } : null);


/** One round: every tool once, in the round's order (reversed every other round). */
async function round(r, o, bins) {
  const row = { round: r + 1, loadAverageBefore: loadavg()[0] };
  const steps = [
    ['joulebench', async () => joulebenchRun(o, [])],
    ...(bins.minerd ? [['cpuminer', async () => cpuminerRun(bins.minerd, o)]] : []),
  ];
  if (o.wide) steps.splice(1, 0, ['joulebench512', async () => joulebenchRun(o, ['--llvmpipe-width', '512'])]);
  if (bins.hashcat) steps.push(['hashcat', async () => hashcatRun(bins.hashcat)]);
  for (const [name, fn] of r % 2 ? [...steps].reverse() : steps) row[name] = await fn();
  return row;
}

const mh = (x) => (x === null || x === undefined ? '-' : (x / 1e6).toFixed(2));
const pct = (x) => (x === null || x === undefined ? '-' : `${(x * 100).toFixed(1)} %`);

function runLine(row) {
  const j = row.joulebench;
  const ha = (h) => (h ? `idle ${pct(h.idleFraction)}, other ${pct(h.otherProcessCpuFraction)}` : 'host n/a');
  const parts = [`round ${String(row.round).padStart(2)}${row.disturbedBy?.length ? '*' : ' '}: joulebench ${mh(j.hashesPerSecond)} MH/s (${ha(j.hostActivity)}, device idle ${pct(j.pipeline?.deviceIdleFraction)}${j.steadyState && !j.steadyState.steady ? ', NOT STEADY' : ''})`];
  if (row.joulebench512) parts.push(`512-bit ${mh(row.joulebench512.hashesPerSecond)}`);
  if (row.cpuminer) parts.push(`cpuminer ${mh(row.cpuminer.hashesPerSecond)} MH/s (${ha(row.cpuminer.hostActivity)})`);
  if (row.hashcat) parts.push(`hashcat ${mh(row.hashcat.hashesPerSecond)}`);
  return parts.join('  |  ');
}

/** Share of the CPUs taken by others (other processes + hypervisor steal) above which a run is counted as disturbed. */
const DISTURBED_OTHER = 0.05;

/** CPU share others took during a run (other processes + steal), or 0 without a record. */
const takenByOthers = (h) => (h ? (h.otherProcessCpuFraction ?? 0) + (h.stealFraction ?? 0) : 0);

/** Names of the tools whose run in this round lost more than DISTURBED_OTHER of the CPUs to others. */
function disturbedBy(row) {
  return ['joulebench', 'joulebench512', 'cpuminer'].filter((k) => takenByOthers(row[k]?.hostActivity) > DISTURBED_OTHER);
}

function summarise(o, runs, info) {
  for (const r of runs) r.disturbedBy = disturbedBy(r);
  const col = (k, rs = runs) => rs.filter((r) => r[k]).map((r) => r[k].hashesPerSecond);
  const s = { joulebench: stats(col('joulebench')), cpuminer: stats(col('cpuminer')), hashcat: stats(col('hashcat')), joulebench512: stats(col('joulebench512')) };
  const quiet = runs.filter((r) => !r.disturbedBy.length);
  const undisturbed = { rounds: quiet.length, rule: `other processes + steal <= ${DISTURBED_OTHER * 100} % of the CPUs in both runs of the round`, joulebench: stats(col('joulebench', quiet)), cpuminer: stats(col('cpuminer', quiet)) };
  const cvLimit = s.cpuminer?.cv != null ? Math.max(0.05, 1.5 * s.cpuminer.cv) : 0.05;
  const bar = {
    minOverMedian: { limit: 0.9, value: s.joulebench.minOverMedian, ok: s.joulebench.minOverMedian >= 0.9 },
    cv: { limit: cvLimit, rule: 'max(5 %, 1.5 x cpuminer CV in the same rounds)', value: s.joulebench.cv, ok: s.joulebench.cv !== null && s.joulebench.cv <= cvLimit },
  };
  const first = runs[0].joulebench;
  return {
    // The bench/out contract: a document is named after its file (hash-peers.json → 'hash-peers').
    name: basename(o.out, '.json'),
    date: info.date,
    commit: info.commit,
    dirty: info.dirty,
    command: `node bench/hash-peers.mjs ${process.argv.slice(2).join(' ')}`.trim(),
    cpu: info.cpu,
    adapter: first.adapter ? { name: first.adapter, software: first.software, note: first.software ? 'software adapter: CPU timings, not a GPU figure' : null } : null,
    joulebenchLaunch: first.launch,
    seconds: o.seconds,
    peerSeconds: o.peerSeconds,
    rounds: runs.length,
    medians: { joulebench: s.joulebench.median, cpuminer: s.cpuminer?.median ?? null, hashcat: s.hashcat?.median ?? null, joulebench512: s.joulebench512?.median ?? null },
    cv: { joulebench: s.joulebench.cv, cpuminer: s.cpuminer?.cv ?? null, hashcat: s.hashcat?.cv ?? null, joulebench512: s.joulebench512?.cv ?? null },
    stats: s,
    undisturbed,
    ratios: { joulebenchOverCpuminer: s.cpuminer ? s.joulebench.median / s.cpuminer.median : null, joulebenchOverHashcat: s.hashcat ? s.joulebench.median / s.hashcat.median : null },
    bar: { ...bar, ok: bar.minOverMedian.ok && bar.cv.ok },
    runs,
  };
}

function printSummary(doc) {
  const L = [];
  L.push(`SHA256d side by side: ${doc.rounds} rounds, ${doc.cpu.cores} cores, ${doc.cpu.model}; flags: ${doc.cpu.flags.filter((f) => /^(avx|avx2|avx512f|avx512vl|sha_ni|ssse3|sse4_1)$/.test(f)).join(' ')}`);
  L.push(`adapter: ${doc.adapter?.name ?? '-'}${doc.adapter?.software ? ' [software adapter: CPU timings, not a GPU figure]' : ''}; joulebench ${doc.joulebenchLaunch}; commit ${doc.commit?.slice(0, 10)}${doc.dirty ? ' (dirty)' : ''}`);
  for (const [k, v] of Object.entries(doc.stats)) {
    if (v) L.push(`  ${k.padEnd(14)} median ${mh(v.median).padStart(7)} MH/s  min ${mh(v.min).padStart(7)}  max ${mh(v.max).padStart(7)}  run-to-run CV ${pct(v.cv)}  min/median ${v.minOverMedian.toFixed(3)}`);
  }
  if (doc.ratios.joulebenchOverCpuminer) L.push(`  joulebench / cpuminer = ${doc.ratios.joulebenchOverCpuminer.toFixed(2)}x (medians)`);
  L.push(`bar: every joulebench run >= 0.9x its median: ${doc.bar.minOverMedian.ok ? 'yes' : 'NO'} (${doc.bar.minOverMedian.value.toFixed(3)}); CV ${pct(doc.bar.cv.value)} <= ${pct(doc.bar.cv.limit)} [${doc.bar.cv.rule}]: ${doc.bar.cv.ok ? 'yes' : 'NO'}`);
  const u = doc.undisturbed;
  const dist = doc.runs.filter((r) => r.disturbedBy.length).map((r) => `${r.round} (${r.disturbedBy.join(', ')})`);
  L.push(`disturbed rounds (${u.rule}): ${dist.length ? dist.join(', ') : 'none'}`);
  if (dist.length && u.joulebench) {
    L.push(`  the ${u.rounds} undisturbed rounds: joulebench median ${mh(u.joulebench.median)} MH/s, CV ${pct(u.joulebench.cv)}, min/median ${u.joulebench.minOverMedian.toFixed(3)}; cpuminer median ${mh(u.cpuminer?.median)} MH/s, CV ${pct(u.cpuminer?.cv)}`);
  }
  process.stdout.write(L.join('\n') + '\n');
}

function writeAtomic(file, text) {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const info = machineInfo();
  const bins = { minerd: which('minerd', 'MINERD'), hashcat: o.hashcat ? which('hashcat', 'HASHCAT') : null };
  if (!bins.minerd) log('cpuminer (minerd) not found: set $MINERD or put minerd on PATH; no CV reference');
  const runs = [];
  for (let r = 0; r < o.rounds; r++) {
    const row = await round(r, o, bins);
    row.disturbedBy = disturbedBy(row);
    runs.push(row);
    log(runLine(row));
  }
  const doc = summarise(o, runs, info);
  writeAtomic(o.out, JSON.stringify(doc, null, 1) + '\n');
  log(`wrote ${o.out}`);
  if (o.json) process.stdout.write(JSON.stringify(doc, null, 2) + '\n');
  else {
    for (const row of runs) process.stdout.write(runLine(row) + '\n');
    printSummary(doc);
  }
  return o.check && !doc.bar.ok ? 1 : 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`hash-peers: ${err.message}\n`);
      process.exit(1);
    },
  );
}
