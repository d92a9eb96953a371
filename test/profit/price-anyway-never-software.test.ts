/**
 * `--price-anyway` prices a real GPU's figure against a price for another model or GPU (labelled);
 * it never prices a software adapter, the CPU or a test model: "Test presets and software
 * adapters are never priced as a service" (README), and software-Vulkan timings are CPU timings,
 * never GPU numbers. Before this fix the llvmpipe example with --price-anyway priced the llvmpipe
 * rows, replaced the site's H100 rental row by "GPU rental · llvmpipe" (12,308 "GPUs" per MW at
 * $2.65/GPU-h) and the verdict was "switch to GPU rental · llvmpipe: +$86,780/MW-day".
 */
import { describe, expect, it } from 'vitest';
import { ROOT, runCliInProcess } from '../helpers.js';

type Row = { id: string; label: string; priced: boolean; notPricedReason: string | null };

describe('--price-anyway and figures that are not a GPU', () => {
  it('the llvmpipe example: its rows stay unpriced and say why; the site H100 rental row stays; the verdict never picks llvmpipe', async () => {
    const r = await runCliInProcess(['profit', '--json', '--results', 'results/examples/llvmpipe-declared-65w.json', '--site', 'sites/boden-sweden.yaml', '--as-of', '2026-11-22', '--price-anyway'], { cwd: ROOT });
    expect(r.code, r.stderr).toBe(0);
    const rep = JSON.parse(r.stdout) as { rows: Row[]; decision: { bestUseId: string; headline: string } };
    const row = (id: string) => rep.rows.find((x) => x.id === id)!;
    for (const id of ['gpu-mining', 'gpu-inference-tokens']) {
      expect(row(id).priced, id).toBe(false);
      expect(row(id).notPricedReason, id).toMatch(/software adapter.*--price-anyway does not apply/);
    }
    expect(row('gpu-rental')).toMatchObject({ priced: true, label: 'GPU rental ($/GPU-h) · H100 SXM' });
    expect(rep.decision.headline).not.toMatch(/llvmpipe|PRICED ANYWAY/);
    expect(r.stderr).not.toMatch(/PRICED ANYWAY/);
  });
});
