/**
 * Power that matches the hardware (issue 22 item 4): a GPU's board power grows by the host of its
 * device class — ×1.8214 in an 8-GPU HGX/DGX server (DGX H100 10.2 kW maximum / (8 × 700 W H100
 * maximum TDP) = 10,200 / 5,600), +87.5 W per card in a PCIe server (2 × 350 W Xeon TDP / 8 cards),
 * +125 W for a workstation card (a 125 W desktop CPU) — and never on a software adapter; in the AI
 * hall network and storage take 15 % of critical IT (CoreWeave's cost split: 10 % networking + 5 %
 * storage; ÷ 0.85). Both are named in the row's basis. A site with no serverOverheadFactor and
 * a 400 W hash figure (mining hall) and 300 W inference figure (AI hall) on each kind of device:
 */
import { describe, expect, it } from 'vitest';
import { deviceClassOf, resolveProfitInputs, siteComparison, validateSiteProfile, type ComparisonRow, type MeasuredDevice, type MeasuredInputs } from '../../src/profit/index.js';

const v = validateSiteProfile({ name: 'hall', asOf: '2026-11-22', powerCapacityMW: 1, powerPriceUsdPerKWh: 0.05, pue: { mining: 1, ai: 1 } });
if (!v.ok) throw new Error(v.error);

function rows(device: MeasuredDevice): ComparisonRow[] {
  const measured: MeasuredInputs = {
    file: 'r.json',
    hash: { value: 1e9, path: 'h', powerW: 400, powerPath: 'hp', energyReason: null, scope: 'gpu-board', energyKind: 'metered', meter: 'nvml', device },
    infer: { value: 100, path: 'i', powerW: 300, powerPath: 'ip', energyReason: null, scope: 'gpu-board', energyKind: 'metered', meter: 'nvml', device, model: { preset: 'llama3.1-8b', name: null, mirrors: 'meta-llama/Llama-3.1-8B', parameters: 8.03e9 } },
  };
  const r = resolveProfitInputs({ flags: { asic: ['none'], priceAnyway: true }, profile: v.ok ? v.profile : null, profileFile: 'hall.yaml', measured, todayIso: '2026-11-22' });
  return siteComparison(r.comparison).rows;
}
const power = (rs: ComparisonRow[], id: string) => {
  const r = rs.find((x) => x.id === id)!;
  return r.priced ? r.perUnit.powerW : r.powerW;
};
const basis = (rs: ComparisonRow[], id: string) => rs.find((x) => x.id === id)!.basis;

describe('host overhead by device class', () => {
  it('classifies adapter names', () => {
    expect(deviceClassOf('NVIDIA H100 80GB HBM3')).toBe('hgx');
    expect(deviceClassOf('NVIDIA H100 SXM')).toBe('hgx');
    expect(deviceClassOf('NVIDIA A100-SXM4-80GB')).toBe('hgx');
    expect(deviceClassOf('NVIDIA H100 PCIe')).toBe('pcie-server');
    expect(deviceClassOf('NVIDIA L40S')).toBe('pcie-server');
    expect(deviceClassOf('NVIDIA GeForce RTX 4090')).toBe('workstation');
    expect(deviceClassOf('AMD Radeon RX 7900 XTX')).toBe('workstation');
    expect(deviceClassOf('llvmpipe (LLVM 15.0.6, 256 bits)')).toBeNull();
  });

  it('HGX: 400 W × 10,200 / 5,600 = 728.57 W mining; 300 W × 10,200 / 5,600 / 0.85 = 642.86 W in the AI hall', () => {
    const rs = rows({ kind: 'gpu', name: 'NVIDIA H100 80GB HBM3' });
    // 400 × 1.8214286 = 728.571429; 300 × 1.8214286 = 546.428571, / 0.85 = 642.857143.
    expect(power(rs, 'gpu-mining')).toBeCloseTo(728.571429, 5);
    expect(power(rs, 'gpu-inference-tokens')).toBeCloseTo(642.857143, 5);
    expect(basis(rs, 'gpu-mining')).toBe('measured (nvml, gpu-board); HGX 8-GPU server: host ×1.821');
    expect(basis(rs, 'gpu-inference-tokens')).toBe('batch-1 decode, not a served figure; measured (nvml, gpu-board); HGX 8-GPU server: host ×1.821; network + storage 15 % of critical IT');
  });

  it('the HGX factor is derived against the GPU power it multiplies: a 700 W H100 at TDP gets 1,275 W of server, the DGX H100 maximum per GPU', () => {
    const v2 = validateSiteProfile({ name: 'hall', asOf: '2026-11-22', powerCapacityMW: 1, powerPriceUsdPerKWh: 0.05, pue: { mining: 1, ai: 1 }, gpu: { name: 'NVIDIA H100 SXM', powerW: 700, deviceClass: 'hgx' }, inference: { usdPerGpuHour: 2 } });
    if (!v2.ok) throw new Error(v2.error);
    const r = resolveProfitInputs({ flags: { asic: ['none'] }, profile: v2.profile, profileFile: 'hall.yaml', measured: null, todayIso: '2026-11-22' });
    const rental = siteComparison(r.comparison).rows.find((x) => x.id === 'gpu-rental')!;
    // 10,200 W / 8 GPUs = 1,275 W per GPU = 700 W × 1.8214286; in the AI hall ÷ 0.85 = 1,500 W of critical IT.
    expect(rental.priced && rental.perUnit.powerW).toBeCloseTo(1500, 9);
    expect(r.inputs.hostOverheadHgx!.value).toBeCloseTo(10_200 / 5_600, 12);
  });

  it('PCIe server: 400 + 87.5 = 487.5 W; (300 + 87.5) / 0.85 = 455.88 W', () => {
    const rs = rows({ kind: 'gpu', name: 'NVIDIA H100 PCIe' });
    expect(power(rs, 'gpu-mining')).toBeCloseTo(487.5, 9);
    expect(power(rs, 'gpu-inference-tokens')).toBeCloseTo(455.882353, 5);
    expect(basis(rs, 'gpu-mining')).toMatch(/PCIe server: host \+87\.5 W per GPU$/);
  });

  it('workstation: 400 + 125 = 525 W; (300 + 125) / 0.85 = 500 W', () => {
    const rs = rows({ kind: 'gpu', name: 'NVIDIA GeForce RTX 4090' });
    expect(power(rs, 'gpu-mining')).toBeCloseTo(525, 9);
    expect(power(rs, 'gpu-inference-tokens')).toBeCloseTo(500, 9);
  });

  it('a software adapter: its 400 W and 300 W stay, no host and no hall overhead', () => {
    const rs = rows({ kind: 'software', name: 'llvmpipe (LLVM 15.0.6, 256 bits)' });
    expect(power(rs, 'gpu-mining')).toBe(400);
    expect(power(rs, 'gpu-inference-tokens')).toBe(300);
    expect(basis(rs, 'gpu-mining')).toMatch(/a software adapter: no host overhead$/);
  });
});
