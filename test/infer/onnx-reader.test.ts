import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DT, graph, model, node, tensorExternal, tensorInline, valueInfo, writeMsgToFile } from '../../src/infer/onnx-writer.js';
import { readOnnxGraph } from '../../src/infer/onnx-reader.js';

const dir = mkdtempSync(join(tmpdir(), 'jb-onnx-reader-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the ONNX reader gets structure without reading weights', () => {
  it('I/O types and dims, node attributes (negative ints, floats), inline and external initializers, opsets', () => {
    // A 3 MiB inline tensor spans the reader's 1 MiB window; it is skipped, not read.
    const big = new Uint8Array(3 * 2 ** 20);
    const nodes = [node('Concat', ['a', 'b'], ['c'], 'cat', { axis: { i: -1 } }), node('LayerNormalization', ['c', 'w', 'bias'], ['y'], 'ln', { epsilon: { f: 0.5 }, axes: { ints: [-2, 3] } }), node('Constant', [], ['k'], 'k', { value: { t: tensorInline('k', DT.FLOAT, [2, 2], new Uint8Array(16)) } })];
    const inits = [tensorInline('w', DT.FLOAT16, [1536, 1024], big), tensorExternal('bias', DT.FLOAT, [64], 'weights.bin', 4096, 256)];
    const g = graph('g', nodes, inits, [valueInfo('a', DT.INT32, ['batch', 7]), valueInfo('b', DT.FLOAT16, [1, 2, 'past', 4])], [valueInfo('y', DT.FLOAT, ['batch', 'seq', 32])]);
    const file = join(dir, 'm.onnx');
    writeMsgToFile(file, model(g, { '': 17, 'com.microsoft': 1 }, { irVersion: 8, producer: 'p' }));
    const r = readOnnxGraph(file);
    expect(r.irVersion).toBe(8);
    expect(r.producer).toBe('p');
    expect(r.opsets).toEqual({ '': 17, 'com.microsoft': 1 });
    expect(r.inputs).toEqual([
      { name: 'a', type: 'int32', shape: ['batch', 7] },
      { name: 'b', type: 'float16', shape: [1, 2, 'past', 4] },
    ]);
    expect(r.outputs[0]).toEqual({ name: 'y', type: 'float32', shape: ['batch', 'seq', 32] });
    expect(r.nodes.map((x) => x.opType)).toEqual(['Concat', 'LayerNormalization', 'Constant']);
    expect(r.nodes[0]!.attrs).toEqual({ axis: -1 });
    expect(r.nodes[1]!.attrs).toEqual({ epsilon: 0.5, axes: [-2, 3] });
    expect(r.initializers).toEqual([
      { name: 'w', dataType: DT.FLOAT16, dims: [1536, 1024], elements: 1536 * 1024, bytes: big.byteLength, external: null },
      { name: 'bias', dataType: DT.FLOAT, dims: [64], elements: 64, bytes: 256, external: { location: 'weights.bin', offset: 4096, length: 256 } },
    ]);
    expect(r.constants).toEqual([{ name: 'k', dataType: DT.FLOAT, dims: [2, 2], elements: 4, bytes: 16, external: null }]);
  });

  it('a truncated or non-ONNX file throws instead of returning a partial graph', () => {
    const file = join(dir, 'm.onnx');
    truncateSync(file, 2 ** 20);
    expect(() => readOnnxGraph(file)).toThrow();
    writeFileSync(join(dir, 'text.onnx'), 'not a model at all, just some text\n');
    expect(() => readOnnxGraph(join(dir, 'text.onnx'))).toThrow();
  });
});
