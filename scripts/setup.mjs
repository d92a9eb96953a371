#!/usr/bin/env node
// joulebench set-up step (run by `npm start` and `npm test` before they do anything else).
// Idempotent: if Dawn already sees a WebGPU adapter it only reports it. Otherwise, on Debian/Ubuntu
// with root (or password-less sudo), it installs a software Vulkan driver (Mesa lavapipe); on
// Debian 12 from bookworm-backports, because bookworm's own Mesa 22.3 is too old for Dawn's
// Vulkan backend (25.x works). Anything else: print exactly what to install.
//   --for tests : exit 1 when no adapter can be had (GPU tests must fail, not skip)
//   --for main  : exit 0 with a loud warning (the main job falls back to CPU-only work)
// With --for tests it also makes sure Debian's chromium is there (the report page test drives it).
// JOULEBENCH_SKIP_SETUP=1 skips everything (for machines managed by other means).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const mode = process.argv.includes('--for') ? process.argv[process.argv.indexOf('--for') + 1] : 'main';
const log = (m) => process.stderr.write(`[joulebench setup] ${m}\n`);
process.env.XDG_RUNTIME_DIR ??= '/tmp';

if (process.env.JOULEBENCH_SKIP_SETUP === '1') {
  log('JOULEBENCH_SKIP_SETUP=1: skipped');
  process.exit(0);
}

/** Ask Dawn, in a child process bounded by a timeout, which adapters it sees. */
function probeAdapters() {
  const code = `
    import { create } from 'webgpu';
    let msg = '';
    try { await create(['adapter=__joulebench_probe__']).requestAdapter(); } catch (e) { msg = String(e.message ?? e); }
    const names = [...msg.matchAll(/backend: '([^']+)', name: '([^']*)'/g)].map(m => m[1] + ': ' + m[2]).filter(n => !n.startsWith('null:'));
    process.stdout.write(JSON.stringify(names));
    process.exit(0);`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8', timeout: 60_000, env: process.env });
  if (r.error || r.status !== 0) return { names: [], error: (r.error?.message ?? r.stderr?.split('\n').filter(Boolean).pop()) || `exit ${r.status}` };
  try {
    return { names: JSON.parse(r.stdout.trim() || '[]'), error: null };
  } catch {
    return { names: [], error: `unexpected probe output: ${r.stdout.slice(0, 200)}` };
  }
}

function osRelease() {
  try {
    const t = readFileSync('/etc/os-release', 'utf8');
    const get = (k) => new RegExp(`^${k}="?([^"\\n]*)"?`, 'm').exec(t)?.[1] ?? '';
    return { id: get('ID'), like: get('ID_LIKE'), codename: get('VERSION_CODENAME'), pretty: get('PRETTY_NAME') };
  } catch {
    return { id: '', like: '', codename: '', pretty: process.platform };
  }
}

function canRoot() {
  if (process.getuid?.() === 0) return [];
  const r = spawnSync('sudo', ['-n', 'true'], { timeout: 10_000 });
  return r.status === 0 ? ['sudo', '-n'] : null;
}

function run(prefix, cmd, args) {
  const full = [...prefix, cmd, ...args];
  log(`$ ${full.join(' ')}`);
  execFileSync(full[0], full.slice(1), { stdio: ['ignore', 'inherit', 'inherit'], timeout: 15 * 60_000, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

function installHint(osr) {
  if (osr.codename === 'bookworm') {
    return "as root: add 'deb http://deb.debian.org/debian bookworm-backports main' to /etc/apt/sources.list.d/, then 'apt-get update && apt-get install -y -t bookworm-backports mesa-vulkan-drivers libvulkan1'";
  }
  if (osr.id === 'debian' || osr.id === 'ubuntu' || /debian|ubuntu/.test(osr.like)) return "as root: 'apt-get update && apt-get install -y mesa-vulkan-drivers libvulkan1' (Mesa ≥ 24 needed)";
  return 'install a Vulkan driver for your GPU (NVIDIA/AMD/Intel), or Mesa lavapipe (≥ 24) for a software adapter, plus the Vulkan loader (libvulkan.so.1)';
}

// The test suite also drives Debian's chromium (report page test, playwright-core: it never
// downloads a browser of its own). Install it for tests when missing and we can.
function ensureChromiumForTests() {
  if (mode !== 'tests' || existsSync('/usr/bin/chromium')) return true;
  const osr = osRelease();
  const isDeb = osr.id === 'debian' || osr.id === 'ubuntu' || /debian|ubuntu/.test(osr.like);
  const prefix = isDeb ? canRoot() : null;
  if (!prefix) {
    log("ERROR: the report page test needs Debian's chromium at /usr/bin/chromium; as root: 'apt-get install -y chromium'");
    return false;
  }
  try {
    run(prefix, 'apt-get', ['update', '-q']);
    run(prefix, 'apt-get', ['install', '-y', '-q', '--no-install-recommends', 'chromium']);
  } catch (err) {
    log(`installing chromium failed: ${err.message}`);
  }
  return existsSync('/usr/bin/chromium');
}

let probe = probeAdapters();
if (probe.names.length) {
  log(`WebGPU adapter(s): ${probe.names.join('; ')}`);
  process.exit(ensureChromiumForTests() ? 0 : 1);
}
log(`no WebGPU adapter found${probe.error ? ` (${probe.error})` : ''}`);

const osr = osRelease();
const isDebianish = osr.id === 'debian' || osr.id === 'ubuntu' || /debian|ubuntu/.test(osr.like);
const prefix = isDebianish ? canRoot() : null;
if (isDebianish && prefix) {
  try {
    const args = ['install', '-y', '-q', '--no-install-recommends'];
    if (osr.codename === 'bookworm') {
      const src = '/etc/apt/sources.list.d/joulebench-bookworm-backports.sources';
      const haveBackports = (() => {
        try {
          return execFileSync('grep', ['-rqs', 'bookworm-backports', '/etc/apt/sources.list', '/etc/apt/sources.list.d/'], { timeout: 10_000 }), true;
        } catch {
          return false;
        }
      })();
      if (!haveBackports) {
        const body = 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n';
        if (prefix.length === 0) writeFileSync(src, body);
        else execFileSync('sudo', ['-n', 'tee', src], { input: body, stdio: ['pipe', 'ignore', 'inherit'], timeout: 10_000 });
        log(`added ${src}`);
      }
      args.push('-t', 'bookworm-backports');
    }
    run(prefix, 'apt-get', ['update', '-q']);
    run(prefix, 'apt-get', [...args, 'mesa-vulkan-drivers', 'libvulkan1']);
  } catch (err) {
    log(`installing the software Vulkan driver failed: ${err.message}`);
  }
  probe = probeAdapters();
  if (probe.names.length) {
    log(`WebGPU adapter(s): ${probe.names.join('; ')}`);
    process.exit(ensureChromiumForTests() ? 0 : 1);
  }
}

const hint = installHint(osr);
if (mode === 'tests') {
  log(`ERROR: no WebGPU adapter, and GPU tests fail (not skip) without one. Fix: ${hint}`);
  process.exit(1);
}
log(`WARNING: no WebGPU adapter: the main job runs CPU-only work (CPU execution provider inference) and skips hashing. Fix: ${hint}`);
process.exit(0);
