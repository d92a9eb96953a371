// Issue 21 case 10: an input that is not a regular file is refused on every input path of every
// command, before a byte is read: `report /dev/zero` read 5.7 GB in 15 s, `report fifo.json` and
// `profit --site fifo` waited for a writer forever. Device nodes are mknod copies in a temp dir
// (a FIFO where mknod is not allowed), never the system's. Real processes with a time bound,
// because the failure being guarded against is a hang.
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli, type CliOutcome } from '../helpers.js';
import { charDevice, fifo } from '../fixtures/io/special-files.js';

const dir = mkdtempSync(join(tmpdir(), 'jb-not-regular-'));
const GOOD = join(ROOT, 'test/fixtures/results/fixture-a-hardware.json');
const zero = charDevice(dir, 'zero.json', 'zero');
const pipe = fifo(dir, 'fifo.json');
const pipeYaml = fifo(dir, 'site.yaml');
const zeroYaml = charDevice(dir, 'zero.yaml', 'zero');
// A model directory whose model.onnx is a FIFO, and a campaign whose manifest is one.
const modelDir = join(dir, 'model');
mkdirSync(modelDir);
fifo(modelDir, 'model.onnx');
const campaign = join(dir, 'campaign');
mkdirSync(join(campaign, 'results'), { recursive: true });
fifo(campaign, 'campaign.json');
const kind = (k: string) => (k === 'FIFO' ? 'a FIFO \\(named pipe\\)' : 'a character device');

/** Refused with exit 2 and one error line matching `re`, within the bound (a hang fails the test). */
function expectRefused(r: CliOutcome, re: RegExp): void {
  expect(r.code, r.stderr).toBe(2);
  const errors = r.stderr.split('\n').filter((l) => l.startsWith('joulebench: error: '));
  expect(errors, r.stderr).toHaveLength(1);
  expect(errors[0]).toMatch(re);
}

const cli = (args: string[]) => runCli(args, { timeoutMs: 20_000 });

describe('inputs that are not regular files', () => {
  it('report, compare and profit refuse a FIFO and a device copy at once', async () => {
    const [r1, r2, r3, r4, r5, r6, r7] = await Promise.all([
      cli(['report', pipe]),
      cli(['report', zero.path]),
      cli(['compare', GOOD, pipe]),
      cli(['profit', '--site', pipeYaml]),
      cli(['profit', '--site', zeroYaml.path]),
      cli(['profit', '--results', zero.path, '--watts', '100']),
      cli(['run', '--site', pipeYaml, '--watts', '100']),
    ]);
    expectRefused(r1, /fifo\.json: is a FIFO \(named pipe\), not a regular file; pass a result file/);
    expectRefused(r2, new RegExp(`zero\\.json: is ${kind(zero.kind)}, not a regular file`));
    expectRefused(r3, /fifo\.json: is a FIFO \(named pipe\), not a regular file/);
    expectRefused(r4, /--site .*site\.yaml: is a FIFO \(named pipe\), not a regular file; pass a site file/);
    expectRefused(r5, new RegExp(`--site .*zero\\.yaml: is ${kind(zeroYaml.kind)}, not a regular file`));
    expectRefused(r6, new RegExp(`zero\\.json: is ${kind(zero.kind)}, not a regular file`));
    expectRefused(r7, /--site .*site\.yaml: is a FIFO/);
  }, 60_000);

  it('a model file and a campaign manifest that are FIFOs: refused, not waited on', async () => {
    const [m, f] = await Promise.all([cli(['infer', 'bench', '--ep', 'cpu', '--model', modelDir]), cli(['fleet', 'status', '--campaign', campaign])]);
    expectRefused(m, /--model .*model\.onnx: the model file is a FIFO \(named pipe\), not a regular file/);
    expectRefused(f, /--campaign .*campaign: .*campaign\.json: is a FIFO \(named pipe\), not a regular file/);
  }, 60_000);

  it('a FIFO among the result files of a directory is skipped with a warning; the others are reported', async () => {
    const d = join(dir, 'mixed');
    mkdirSync(d);
    copyFileSync(GOOD, join(d, 'a.json'));
    fifo(d, 'b.json');
    writeFileSync(join(d, 'c.txt'), 'not a result');
    const r = await cli(['report', d, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^Warning: skipped .*b\.json: is a FIFO \(named pipe\), not a regular file; pass a result file$/m);
    expect((JSON.parse(r.stdout) as { files: string[] }).files).toEqual([join(d, 'a.json')]);
  }, 60_000);
});
