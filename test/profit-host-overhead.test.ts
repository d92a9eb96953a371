/**
 * Power that matches the hardware (issue 22 item 4): a GPU's board power grows by the host of its
 * device class — ×1.85 in an 8-GPU HGX/DGX server (DGX H100 10.2 kW / 8 / 0.688 kW), +87.5 W per
 * card in a PCIe server (2 × 350 W Xeon TDP / 8 cards), +125 W for a workstation card (a 125 W
 * desktop CPU) — and never on a software adapter; in the AI hall network and storage take 10 % of
 * critical IT (÷ 0.9). Both are named in the row's basis. A site with no serverOverheadFactor and
 * a 400 W hash figure (mining hall) and 300 W inference figure (AI hall) on each kind of device:
 */
import { describe, expect, it } from 'vitest';
import { deviceClassOf, resolveProfitInputs, siteComparison, validateSiteProfile, type ComparisonRow, type MeasuredDevice, type MeasuredInputs } from '../src/profit/index.js';

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

  it('HGX: 400 W × 1.85 = 740 W mining; 300 W × 1.85 / 0.9 = 616.67 W in the AI hall', () => {
    const rs = rows({ kind: 'gpu', name: 'NVIDIA H100 80GB HBM3' });
    expect(power(rs, 'gpu-mining')).toBeCloseTo(740, 9);
    expect(power(rs, 'gpu-inference-tokens')).toBeCloseTo(616.666667, 5);
    expect(basis(rs, 'gpu-mining')).toBe('measured (nvml, gpu-board); HGX 8-GPU server: host ×1.85');
    expect(basis(rs, 'gpu-inference-tokens')).toBe('batch-1 decode, not a served figure; measured (nvml, gpu-board); HGX 8-GPU server: host ×1.85; network + storage 10 % of critical IT');
  });

  it('PCIe server: 400 + 87.5 = 487.5 W; (300 + 87.5) / 0.9 = 430.56 W', () => {
    const rs = rows({ kind: 'gpu', name: 'NVIDIA H100 PCIe' });
    expect(power(rs, 'gpu-mining')).toBeCloseTo(487.5, 9);
    expect(power(rs, 'gpu-inference-tokens')).toBeCloseTo(430.555556, 5);
    expect(basis(rs, 'gpu-mining')).toMatch(/PCIe server: host \+87\.5 W per GPU$/);
  });

  it('workstation: 400 + 125 = 525 W; (300 + 125) / 0.9 = 472.22 W', () => {
    const rs = rows({ kind: 'gpu', name: 'NVIDIA GeForce RTX 4090' });
    expect(power(rs, 'gpu-mining')).toBeCloseTo(525, 9);
    expect(power(rs, 'gpu-inference-tokens')).toBeCloseTo(472.222222, 5);
  });

  it('a software adapter: its 400 W and 300 W stay, no host and no hall overhead', () => {
    const rs = rows({ kind: 'software', name: 'llvmpipe (LLVM 15.0.6, 256 bits)' });
    expect(power(rs, 'gpu-mining')).toBe(400);
    expect(power(rs, 'gpu-inference-tokens')).toBe(300);
    expect(basis(rs, 'gpu-mining')).toMatch(/a software adapter: no host overhead$/);
  });
});
