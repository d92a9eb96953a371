/**
 * Worker-thread entry for the sampler. The main thread may block for seconds inside
 * onnxruntime-node's `run()` or a synchronous GPU wait; polling here keeps going regardless.
 * Protocol: request `{ id, type, ... }` → reply `{ id, ok: true, value } | { id, ok: false, error }`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { MeterSpec } from './meter.js';
import { openMeter } from './meters.js';
import { Sampler, type SamplerOptions } from './sampler.js';

interface Request {
  id: number;
  type: 'start' | 'begin' | 'end' | 'requirement' | 'stop';
  name?: string;
  /** end: the work's edges on the caller's thread (Unix ms). */
  t0Ms?: number;
  t1Ms?: number;
}

const data = workerData as { spec: MeterSpec; opts: SamplerOptions };
let sampler: Sampler | null = null;

async function handle(req: Request): Promise<unknown> {
  switch (req.type) {
    case 'start': {
      const meter = openMeter(data.spec);
      sampler = new Sampler(meter, data.opts);
      try {
        return await sampler.start();
      } catch (err) {
        await sampler.stop().catch(() => undefined);
        sampler = null;
        throw err;
      }
    }
    case 'begin':
      if (!sampler) throw new Error('sampler not started');
      return sampler.begin(req.name!);
    case 'end':
      if (!sampler) throw new Error('sampler not started');
      return sampler.end(req.name!, { t0Ms: req.t0Ms, t1Ms: req.t1Ms });
    case 'requirement':
      if (!sampler) throw new Error('sampler not started');
      return sampler.requirement();
    case 'stop':
      await sampler?.stop();
      sampler = null;
      setImmediate(() => process.exit(0));
      return null;
  }
}

parentPort!.on('message', (req: Request) => {
  handle(req).then(
    (value) => parentPort!.postMessage({ id: req.id, ok: true, value }),
    (err) => parentPort!.postMessage({ id: req.id, ok: false, error: String((err as Error)?.message ?? err).split('\n')[0] }),
  );
});
