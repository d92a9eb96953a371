// Declared watts are never shown as measured (issue 11): a 1.1 result with `measured: false,
// declared: true` gives per-joule figures labelled "(declared)" in Markdown, `energy_basis
// declared` in CSV and a hollow marker in the HTML chart; and `report --html` plots each window's
// raw power trace over time, phases shaded, declared watts as a dashed line.
import { describe, expect, it } from 'vitest';
import { buildRows } from '../../src/report/rows.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { renderCsv } from '../../src/report/csv.js';
import { renderHtml } from '../../src/report/html.js';
import { traceToPowerW } from '../../src/report/power-trace-svg.js';
import { resultSchema, type Energy, type ResultDoc } from '../../src/results/schema.js';
import { syntheticDoc } from '../fixtures/results/synthetic.js';

const T0 = Date.parse('2026-02-01T10:00:00.000Z');

function doc(host: string, hashE: Energy, ppE: Energy, tgE: Energy): ResultDoc {
  const d = syntheticDoc(
    [
      { measurement: 'hash.sha256d', kind: 'hash', metric: 'hashesPerSecond', unit: 'H/s', higherIsBetter: true, samples: [1e6, 1.01e6, 0.99e6] },
      { measurement: 'infer.tiny', kind: 'infer', metric: 'decodeTokensPerSecond', unit: 'tokens/s', higherIsBetter: true, samples: [100, 101, 99] },
    ],
    { adapterName: `GPU of ${host}` },
  );
  d.schemaVersion = '1.1';
  d.environment.hostname = host;
  const [h, inf] = d.measurements as [ResultDoc['measurements'][number], ResultDoc['measurements'][number]];
  const declared = !hashE.measured;
  const basis = declared ? ('declared' as const) : ('metered' as const);
  h.energy = hashE;
  h.metrics.hashesPerJoule = { value: 1e6 / 300, unit: 'H/J', higherIsBetter: true, method: 'nonces / J', energyBasis: basis };
  inf.energy = tgE;
  inf.params = { ep: 'webgpu', model: 'tiny' };
  inf.details = { energyPrefill: ppE };
  inf.metrics.tokensPerJoule = { value: 0.5, unit: 'tokens/J', higherIsBetter: true, method: 'tokens / J', energyBasis: basis };
  return resultSchema.parse(d);
}

const declared = (startS: number, lenS: number): Energy => ({
  measured: false,
  declared: true,
  reason: 'declared power 65 W, not measured',
  energyJ: 65 * lenS,
  timeS: lenS,
  avgPowerW: 65,
  method: 'declared constant power 65 W × window time (not measured)',
  scope: 'declared',
  meter: 'declared',
  samples: 0,
  uncertaintyJ: null,
  complete: true,
  startUnixMs: T0 + startS * 1000,
  endUnixMs: T0 + (startS + lenS) * 1000,
});

const metered = (startS: number, lenS: number, trace: { unit: 'W' | 'J'; points: Array<[number, number]> }): Energy => ({
  measured: true,
  energyJ: 300 * lenS,
  timeS: lenS,
  avgPowerW: 300,
  method: 'RAPL powercap energy counter',
  scope: 'cpu-package',
  meter: 'rapl',
  samples: 50,
  uncertaintyJ: 1,
  complete: true,
  startUnixMs: T0 + startS * 1000,
  endUnixMs: T0 + (startS + lenS) * 1000,
  trace: { ...trace, rawPoints: trace.points.length, downsampled: null },
});

const declaredDoc = doc('declared-host', declared(0, 10), declared(12, 5), declared(18, 5));
// Counter trace (J since the window start): 30 J per 100 ms = 300 W; polled traces in W.
const counter = { unit: 'J' as const, points: Array.from({ length: 51 }, (_, i) => [i * 100 - 20, i * 30 - 6] as [number, number]) };
const meteredDoc = doc(
  'metered-host',
  metered(0, 5, counter),
  metered(6, 2, { unit: 'W', points: [[-50, 60], [100, 290], [1000, 310], [2050, 60]] }),
  metered(9, 2, { unit: 'W', points: [[-50, 60], [100, 280], [1900, 300], [2050, 60]] }),
);
const loaded = [
  { path: '/x/declared.json', doc: declaredDoc },
  { path: '/x/metered.json', doc: meteredDoc },
];

describe('declared watts are labelled declared in every report format', () => {
  it('Markdown: per-joule figures from declared watts carry "(declared)", metered ones do not', () => {
    const md = renderMarkdown(buildRows(loaded));
    // Table rows (hashing and inference tables) that name the host's device.
    const rows = (host: string) => md.split('\n').filter((l) => l.startsWith('|') && l.includes(host)).join('\n');
    expect(rows('declared-host')).toMatch(/3\.333 kH\/J \(declared\).*\| declared, not measured \|/);
    expect(rows('declared-host')).toMatch(/0\.5 tokens\/J \(declared\).*\| declared, not measured \|/);
    expect(rows('metered-host')).toMatch(/kH\/J/);
    expect(rows('metered-host')).not.toMatch(/\(declared\)|declared, not measured/);
    expect(md).toMatch(/declared 65 W × window time, not measured/);
  });

  it('CSV: energy_measured is false and energy_basis declared for declared watts', () => {
    const lines = renderCsv(loaded).trim().split('\n');
    const head = lines[0]!.split(',');
    const col = (l: string, c: string) => l.match(/("([^"]|"")*"|[^,]*)(,|$)/g)!.map((x) => x.replace(/,$/, ''))[head.indexOf(c)];
    const hpj = lines.filter((l) => l.includes(',hashesPerJoule,'));
    const dec = hpj.find((l) => l.startsWith('declared.json'))!;
    const met = hpj.find((l) => l.startsWith('metered.json'))!;
    expect([col(dec, 'energy_measured'), col(dec, 'energy_basis'), col(dec, 'note')]).toEqual(['false', 'declared', '"from declared watts, not measured"']);
    expect([col(met, 'energy_measured'), col(met, 'energy_basis'), col(met, 'energy_meter')]).toEqual(['true', 'metered', 'rapl']);
  });

  it('HTML: a hollow marker for the declared point; the power-over-time chart shades every window and draws its trace', () => {
    const html = renderHtml(buildRows(loaded));
    expect(html).toMatch(/<path class="mark" [^>]*fill="#fff"[^>]*data-declared="true"><title>GPU of declared-host/);
    expect(html).toMatch(/<h2>Power over time<\/h2>/);
    const charts = html.match(/<svg id="chart-power-\d+"[\s\S]*?<\/svg>/g)!;
    expect(charts).toHaveLength(2);
    const [dec, met] = charts as [string, string];
    const windows = (svg: string) => [...svg.matchAll(/<g class="window" data-label="([^"]+)" data-phase="(\w+)" data-start-s="([\d.]+)" data-end-s="([\d.]+)" data-declared="(\w+)" data-complete="\w+" data-trace-points="(\d+)">/g)].map((m) => ({ label: m[1], phase: m[2], start: Number(m[3]), end: Number(m[4]), declared: m[5] === 'true', points: Number(m[6]) }));
    expect(windows(met)).toEqual([
      { label: 'hash.sha256d', phase: 'hash', start: 0, end: 5, declared: false, points: 100 },
      { label: 'infer.tiny pp', phase: 'prefill', start: 6, end: 8, declared: false, points: 4 },
      { label: 'infer.tiny tg', phase: 'decode', start: 9, end: 11, declared: false, points: 4 },
    ]);
    expect(windows(dec).every((w) => w.declared && w.points === 0)).toBe(true);
    expect(dec.match(/<line class="declared"/g)).toHaveLength(3);
    expect(dec).toMatch(/65 W declared, not measured/);
  });

  it('counter traces become power steps of ΔJ/Δt per update; polled traces stay as read', () => {
    const w = traceToPowerW({ unit: 'J', points: [[-20, -6], [80, 24], [180, 54]] });
    expect(w).toEqual([[-20, 300], [80, 300], [80, 300], [180, 300]].map(([t, p]) => [t, expect.closeTo(p!, 9)]));
    expect(traceToPowerW({ unit: 'W', points: [[0, 5], [10, 7]] })).toEqual([[0, 5], [10, 7]]);
    expect(traceToPowerW(undefined)).toEqual([]);
  });

  it('reports of files without window edges (1.0 results) get no power chart', () => {
    const old = doc('old-host', { ...(metered(0, 5, counter) as object), startUnixMs: undefined, endUnixMs: undefined, trace: undefined } as unknown as Energy, { measured: false, reason: 'none' }, { measured: false, reason: 'none' });
    expect(renderHtml(buildRows([{ path: '/x/old.json', doc: old }]))).not.toMatch(/Power over time/);
  });
});
