#!/usr/bin/env node
// `npm run fleet:selftest` (issue 15): a real single-node Slurm cluster in a temp directory, a
// 2-task `joulebench fleet submit` array of a short `run`, `fleet collect`, and an independent
// check of every task's result. Exit 0 only when every task produced a valid, complete result
// that carries its Slurm identity.
//
//  1. installs Debian's slurm-wlm and munge with apt when missing (root; services are not started:
//     a policy-rc.d returning 101 is in place during the install, see invoke-rc.d(8));
//  2. writes a one-node slurm.conf in a temp dir (SLURM_CONF; free loopback ports; proctrack/linuxproc,
//     task/none, no cgroups, no accounting) and starts munged, slurmctld and slurmd in the foreground
//     as children of this process, so their pids are known exactly;
//  3. submits, collects (everything bounded by --timeout, default 300 s from submit to merged report);
//  4. always stops exactly what it started: cancels its job, waits for its job steps, stops the
//     three daemons (TERM, then KILL after a bound), then ends any process still carrying this
//     cluster's SLURM_CONF path (a job step orphaned by slurmd), also on failure, timeout and Ctrl-C.
//
// Prints `results: <dir>` and `report: <html>` on their own lines.
// Options: --timeout <s> (default 300), --keep (keep the cluster's state and logs even on success).
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, openSync, closeSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const MAIN = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const t0 = Date.now();
const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
const log = (m) => process.stderr.write(`[fleet selftest ${elapsed()}] ${m}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function argValue(name, fallback) {
  const i = process.argv.indexOf(name);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isFinite(v) || v < 30 || v > 3600) {
    process.stderr.write(`fleet selftest: ${name} '${process.argv[i + 1]}': a number of seconds from 30 to 3600\n`);
    process.exit(2);
  }
  return v;
}
for (const a of process.argv.slice(2)) {
  if (a.startsWith('-') && !['--timeout', '--keep'].includes(a)) {
    process.stderr.write(`fleet selftest: unknown option '${a}' (use --timeout <s>, --keep)\n`);
    process.exit(2);
  }
}
const BUDGET_S = argValue('--timeout', 300);
const KEEP = process.argv.includes('--keep');

// ---------------------------------------------------------------- packages
const SEARCH = [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/sbin', '/usr/bin', '/bin'].filter(Boolean);
function which(bin) {
  for (const d of SEARCH) if (existsSync(join(d, bin))) return join(d, bin);
  return null;
}
const BINS = ['munged', 'slurmctld', 'slurmd', 'sbatch', 'scontrol', 'scancel', 'sinfo'];

function ensurePackages() {
  const missing = BINS.filter((b) => !which(b));
  if (!missing.length) return;
  if (process.getuid?.() !== 0 || !which('apt-get')) {
    throw new Error(`missing ${missing.join(', ')}: as root, 'apt-get install -y slurm-wlm munge' (Debian/Ubuntu)`);
  }
  log(`installing slurm-wlm and munge with apt (missing: ${missing.join(', ')})`);
  const policy = '/usr/sbin/policy-rc.d';
  const ownPolicy = !existsSync(policy);
  // Keep the packages' services from starting: this selftest starts (and stops) its own daemons.
  if (ownPolicy) writeFileSync(policy, '#!/bin/sh\n# joulebench fleet selftest: do not start services during its apt install\nexit 101\n', { mode: 0o755 });
  try {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    for (const args of [['update', '-q'], ['install', '-y', '-q', '--no-install-recommends', '-o', 'DPkg::Lock::Timeout=300', 'slurm-wlm', 'munge']]) {
      // apt's output goes to stderr: stdout carries only the `results:` and `report:` lines.
      const r = spawnSync('apt-get', args, { stdio: ['ignore', 2, 2], env, timeout: 900_000 });
      if (r.status !== 0) throw new Error(`apt-get ${args[0]} failed (${r.error?.message ?? `exit ${r.status}`})`);
    }
  } finally {
    if (ownPolicy) rmSync(policy, { force: true });
  }
  const still = BINS.filter((b) => !which(b));
  if (still.length) throw new Error(`still missing after apt-get install: ${still.join(', ')}`);
}

// ---------------------------------------------------------------- cluster
function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function slurmConf(dir, node, ports) {
  const mb = Math.max(1024, Math.floor((os.totalmem() / 2 ** 20) * 0.9));
  return `# joulebench fleet selftest: one node, no cgroups, no accounting (written ${new Date().toISOString()})
ClusterName=jbselftest
SlurmctldHost=${node}(127.0.0.1)
SlurmctldPort=${ports[0]}
SlurmdPort=${ports[1]}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=${dir}/run/munge.socket
CredType=cred/munge
StateSaveLocation=${dir}/state
SlurmdSpoolDir=${dir}/spool
SlurmctldPidFile=${dir}/run/slurmctld.pid
SlurmdPidFile=${dir}/run/slurmd.pid
SlurmctldLogFile=${dir}/log/slurmctld.log
SlurmdLogFile=${dir}/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
MailProg=/bin/true
KillWait=10
NodeName=${node} NodeAddr=127.0.0.1 CPUs=${os.cpus().length} RealMemory=${mb} State=UNKNOWN
PartitionName=jbselftest Nodes=${node} Default=YES MaxTime=INFINITE State=UP
`;
}

const daemons = []; // { name, child, exited: Promise }

function startDaemon(name, bin, args, env, dir) {
  const fd = openSync(join(dir, 'log', `${name}.out`), 'a');
  // Own process group: Ctrl-C in the terminal reaches this script, which cancels the job while
  // slurmctld still runs, then stops the daemons in order.
  const child = spawn(bin, args, { env, stdio: ['ignore', fd, fd], detached: true });
  closeSync(fd);
  const exited = new Promise((r) => child.once('exit', (code, sig) => r({ code, sig })));
  const d = { name, child, exited, done: false };
  exited.then(() => (d.done = true));
  daemons.push(d);
  log(`started ${name} (pid ${child.pid})`);
  writeFileSync(join(dir, 'run', `${name}.child-pid`), `${child.pid}\n`);
  return d;
}

function run(bin, args, env, timeoutMs) {
  const r = spawnSync(bin, args, { env, encoding: 'utf8', timeout: timeoutMs, stdio: ['ignore', 'pipe', 'pipe'] });
  return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', error: r.error };
}

async function until(what, timeoutMs, check) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    for (const d of daemons) if (d.done) throw new Error(`${d.name} exited while waiting for ${what} (see its log)`);
    if (await check()) return;
    if (Date.now() > end) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await sleep(250);
  }
}

const cliChildren = new Set();

/** Run the CLI as a child (async: signals stay deliverable); output streamed through, bounded. */
function cli(args, env, timeoutMs) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MAIN, ...args], { env, cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    cliChildren.add(child);
    child.once('exit', () => cliChildren.delete(child));
    let out = '';
    child.stdout.on('data', (b) => {
      out += b;
      process.stderr.write(b);
    });
    const t = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code, sig) => {
      clearTimeout(t);
      resolve({ code, sig, stdout: out });
    });
  });
}

// ---------------------------------------------------------------- cleanup
let cleaning = null;
const seenPids = new Set(); // every cluster process seen alive, to wait for its end (and reaping)
// Job steps (slurmstepd, double-forked to init) can end and wait as zombies for init to reap them
// before cleanup looks: note every cluster process while the cluster runs, so that cleanup waits
// (bounded) until each is gone from /proc, reaped included.
let watch = null;
let tmp = null;
let clusterEnv = null;
let jobId = null;

/**
 * State letter and parent pid from /proc/<pid>/stat ("pid (comm) state ppid ..."; comm may hold
 * spaces and parentheses, so parse after the last ')'), or null when the process is gone.
 */
function procStat(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state, ppid: Number(ppid) };
  } catch {
    return null;
  }
}

/**
 * Pids of live processes whose environment holds this cluster's SLURM_CONF path, other than the
 * daemons and their direct children (slurmctld's slurmscriptd): job steps (slurmstepd is
 * re-parented to init) and the tasks they run. With `all`, the daemons' children too.
 */
function clusterProcesses(all = false) {
  const needle = `SLURM_CONF=${join(tmp, 'slurm.conf')}\0`;
  const own = new Set([process.pid, ...daemons.map((d) => d.child.pid)]);
  const pids = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p) || own.has(Number(p))) continue;
    try {
      if (readFileSync(`/proc/${p}/environ`, 'latin1').includes(needle)) {
        const st = procStat(Number(p));
        if (st && st.state !== 'Z' && (all || !own.has(st.ppid))) {
          pids.push(Number(p));
          seenPids.add(Number(p));
        }
      }
    } catch {
      /* gone, or not ours to read */
    }
  }
  return pids;
}

async function stopDaemon(d, graceMs) {
  if (d.done) return `${d.name} (pid ${d.child.pid}) had already exited`;
  d.child.kill('SIGTERM');
  const r = await Promise.race([d.exited, sleep(graceMs).then(() => null)]);
  if (r) return `${d.name} (pid ${d.child.pid}) stopped`;
  d.child.kill('SIGKILL');
  await Promise.race([d.exited, sleep(5000)]);
  return `${d.name} (pid ${d.child.pid}) killed after ${graceMs / 1000} s`;
}

async function cleanup(reason) {
  if (cleaning) return cleaning;
  cleaning = (async () => {
    clearInterval(watch);
    log(`cleaning up (${reason})`);
    for (const c of cliChildren) c.kill('SIGTERM'); // a `fleet collect` still waiting
    const ctld = daemons.find((d) => d.name === 'slurmctld');
    if (jobId && ctld && !ctld.done) {
      run('scancel', [jobId], clusterEnv, 15_000);
      // Let the job's steps end while slurmd still runs (an orphaned slurmstepd ignores TERM).
      const end = Date.now() + 30_000;
      while (Date.now() < end && clusterProcesses().length) await sleep(500);
    }
    for (const name of ['slurmd', 'slurmctld', 'munged']) {
      const d = daemons.find((x) => x.name === name);
      if (d) log(await stopDaemon(d, 15_000));
    }
    const leftover = () => clusterProcesses(true);
    let left = leftover();
    if (left.length) {
      log(`ending ${left.length} leftover process(es) of this cluster: ${left.join(' ')}`);
      for (const p of left) try { process.kill(p, 'SIGTERM'); } catch { /* gone */ }
      await sleep(3000);
      for (const p of leftover()) try { process.kill(p, 'SIGKILL'); } catch { /* gone */ }
      await sleep(500);
      left = leftover();
    }
    if (left.length) log(`WARNING: still running after KILL: ${left.join(' ')}`);
    // Ended job steps were re-parented to init, which reaps them: wait (bounded) until they are gone.
    const end = Date.now() + 10_000;
    while (Date.now() < end && [...seenPids].some((p) => existsSync(`/proc/${p}`))) await sleep(250);
    const unreaped = [...seenPids].filter((p) => existsSync(`/proc/${p}`));
    if (unreaped.length) log(`note: ${unreaped.length} ended process(es) of this cluster not yet reaped by init after 10 s: ${unreaped.join(' ')}`);
    else log(`all ${seenPids.size} job-step and task process(es) seen have ended`);
    return left.length === 0 && daemons.every((d) => d.done);
  })();
  return cleaning;
}

for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    log(`${sig}: stopping`);
    cleanup(`interrupted by ${sig}`).finally(() => process.exit(sig === 'SIGINT' ? 130 : 143));
  });
}

// ---------------------------------------------------------------- checks
async function verify(campaign, node) {
  const { readResult } = await import(join(ROOT, 'dist', 'src', 'results', 'files.js'));
  const problems = [];
  for (let i = 0; i < 2; i++) {
    const path = join(campaign, 'results', `task-${i}.json`);
    let doc;
    try {
      doc = readResult(path);
    } catch (err) {
      problems.push(`task ${i}: ${err.message}`);
      continue;
    }
    const s = doc.environment.slurm;
    if (!doc.complete) problems.push(`task ${i}: result incomplete (${doc.incompleteReason})`);
    if (!s) problems.push(`task ${i}: result has no Slurm identity`);
    else {
      if (s.arrayJobId !== jobId || s.arrayTaskId !== i) problems.push(`task ${i}: identity says job ${s.arrayJobId} task ${s.arrayTaskId}, expected ${jobId} task ${i}`);
      if (s.node !== node) problems.push(`task ${i}: identity node ${s.node}, expected ${node}`);
      if (!s.jobId) problems.push(`task ${i}: no job id in the identity`);
    }
    const hash = doc.measurements.find((m) => m.id === 'hash.sha256d');
    if (hash?.status !== 'complete' || !(hash.metrics.hashesPerSecond?.value > 0)) problems.push(`task ${i}: no hash rate measured (${hash?.status ?? 'no hash measurement'})`);
  }
  const html = join(campaign, 'report', 'fleet.html');
  if (!existsSync(html) || !readFileSync(html, 'utf8').includes('id="campaign"')) problems.push('merged HTML report missing or without the campaign section');
  return problems;
}

// ---------------------------------------------------------------- main
async function main() {
  if (process.platform !== 'linux') throw new Error('the fleet selftest needs Linux (Slurm)');
  if (!existsSync(MAIN)) throw new Error(`${MAIN} missing: run 'npm run build' first`);
  if (process.getuid?.() !== 0) throw new Error('the fleet selftest starts slurmd, which must run as root (as in CI)');
  ensurePackages();

  tmp = mkdtempSync(join(os.tmpdir(), 'joulebench-fleet-selftest-'));
  chmodSync(tmp, 0o755); // munged requires world-executable directories above its socket
  for (const d of ['munge', 'run', 'state', 'spool', 'log']) mkdirSync(join(tmp, d), { mode: 0o755 });
  chmodSync(join(tmp, 'munge'), 0o700);
  writeFileSync(join(tmp, 'munge', 'munge.key'), randomBytes(1024), { mode: 0o400 });
  const node = os.hostname().split('.')[0];
  const ports = [await freePort(), await freePort()];
  writeFileSync(join(tmp, 'slurm.conf'), slurmConf(tmp, node, ports));
  clusterEnv = { ...process.env, SLURM_CONF: join(tmp, 'slurm.conf'), XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? '/tmp' };
  log(`cluster in ${tmp}: node ${node}, ports ${ports.join('/')}`);

  const sock = join(tmp, 'run', 'munge.socket');
  startDaemon('munged', which('munged'), ['-F', `--key-file=${join(tmp, 'munge', 'munge.key')}`, `--socket=${sock}`, `--pid-file=${join(tmp, 'run', 'munged.pid')}`, `--seed-file=${join(tmp, 'munge', 'munged.seed')}`], clusterEnv, tmp);
  await until('munged socket', 15_000, () => existsSync(sock));
  startDaemon('slurmctld', which('slurmctld'), ['-D', '-i'], clusterEnv, tmp);
  watch ??= setInterval(() => clusterProcesses(true), 500);
  watch.unref();
  startDaemon('slurmd', which('slurmd'), ['-D', '-N', node], clusterEnv, tmp);
  await until('node idle in sinfo', 60_000, () => /^idle/.test(run('sinfo', ['-h', '-n', node, '-o', '%T'], clusterEnv, 10_000).stdout.trim()));
  log(`cluster up (node ${node} idle)`);

  const campaign = join(tmp, 'campaign');
  const submitAt = Date.now();
  const sub = await cli(['fleet', 'submit', '--tasks', '2', '--partition', 'jbselftest', '--time', String(Math.ceil(BUDGET_S / 60)), '--campaign', campaign, '--json', '--', '--seconds', '5', '--watts', '100', '--progress', 'plain'], clusterEnv, 90_000);
  if (sub.code !== 0) throw new Error(`fleet submit exited ${sub.code ?? sub.sig}`);
  jobId = JSON.parse(sub.stdout).jobId;
  log(`submitted job ${jobId} (2 tasks)`);

  const leftS = Math.max(10, Math.floor(BUDGET_S - (Date.now() - submitAt) / 1000));
  const col = await cli(['fleet', 'collect', '--campaign', campaign, '--timeout', String(leftS), '--poll', '2'], clusterEnv, (leftS + 120) * 1000);
  log(`fleet collect exited ${col.code ?? col.sig} after ${((Date.now() - submitAt) / 1000).toFixed(1)} s from submit`);
  const problems = await verify(campaign, node);
  if (col.code !== 0) problems.unshift(`fleet collect exited ${col.code ?? col.sig}`);
  return { campaign, problems, submitToReportS: (Date.now() - submitAt) / 1000 };
}

let outcome;
try {
  outcome = await main();
} catch (err) {
  outcome = { campaign: tmp ? join(tmp, 'campaign') : null, problems: [err.message] };
}
const clean = await cleanup(outcome.problems.length ? 'selftest failed' : 'done');
if (!clean) outcome.problems.push('some process of the test cluster did not stop (see above)');
if (tmp && !outcome.problems.length && !KEEP) {
  for (const d of ['munge', 'run', 'state', 'spool']) rmSync(join(tmp, d), { recursive: true, force: true });
}
if (outcome.campaign && existsSync(outcome.campaign)) {
  process.stdout.write(`results: ${join(outcome.campaign, 'results')}\n`);
  const html = join(outcome.campaign, 'report', 'fleet.html');
  if (existsSync(html)) process.stdout.write(`report: ${html}\n`);
}
if (outcome.problems.length) {
  for (const p of outcome.problems) process.stderr.write(`fleet selftest: FAIL: ${p}\n`);
  if (tmp) process.stderr.write(`fleet selftest: cluster logs kept in ${join(tmp, 'log')}\n`);
  process.stderr.write(`fleet selftest: FAILED after ${elapsed()}\n`);
  process.exit(1);
}
process.stderr.write(`fleet selftest: PASS: 2 of 2 tasks produced valid results (submit → merged report ${outcome.submitToReportS.toFixed(1)} s; total ${elapsed()})\n`);
process.exit(0);
