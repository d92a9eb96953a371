/**
 * Main-thread side of the sampler worker: starts the worker (src/util/worker.ts: compiled .js, or
 * the .ts sources through tsx under tsx/vitest) and bounds every request by a timeout.
 */
import type { Worker } from 'node:worker_threads';
import { moduleWorker } from '../util/worker.js';
import type { MeterSpec } from './meter.js';
import type { SamplerOptions, SamplerStartInfo } from './sampler.js';
import { withTimeout } from '../util/timeout.js';
import { installChildReaper } from '../util/child.js';

/** Bound on worker start-up plus the meter's first read and update-period probe, ms. */
export const WORKER_START_TIMEOUT_MS = 30_000;

/** A started sampler worker. */
export class SamplerClient {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private deadReason: string | null = null;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (m: { id: number; ok: boolean; value?: unknown; error?: string }) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.ok) p.resolve(m.value);
      else p.reject(new Error(m.error));
    });
    const fail = (why: string) => {
      this.deadReason ??= why;
      for (const p of this.pending.values()) p.reject(new Error(why));
      this.pending.clear();
    };
    worker.on('error', (e) => fail(`power sampler worker crashed: ${String(e?.message ?? e).split('\n')[0]}`));
    worker.on('exit', (code) => fail(`power sampler worker exited (code ${code})`));
    worker.unref();
  }

  /** Start a worker for `spec`; rejects with the meter's one-line error if it does not answer. */
  static async start(spec: MeterSpec, opts: SamplerOptions, timeoutMs = WORKER_START_TIMEOUT_MS): Promise<{ client: SamplerClient; info: SamplerStartInfo }> {
    // The worker's meter commands are children of this process: if it exits (or is signalled)
    // with a read in flight, this thread's reaper ends them (the worker's own cannot run then).
    installChildReaper();
    const client = new SamplerClient(moduleWorker(import.meta.url, 'sampler-worker', { spec, opts }));
    try {
      const info = (await client.call('start', {}, timeoutMs, `starting the ${spec.name} power meter`)) as SamplerStartInfo;
      return { client, info };
    } catch (err) {
      await client.terminate();
      throw err;
    }
  }

  /** Why the worker is gone, or null while it runs. */
  get dead(): string | null {
    return this.deadReason;
  }

  /** One request, bounded by `timeoutMs`. */
  call(type: 'start' | 'begin' | 'end' | 'requirement' | 'stop', payload: Record<string, unknown>, timeoutMs: number, what: string): Promise<unknown> {
    if (this.deadReason) return Promise.reject(new Error(this.deadReason));
    const id = this.nextId++;
    const p = new Promise<unknown>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    // Keep the process alive while a reply is due (the worker is unref'd otherwise, so an idle
    // sampler never holds the process open, and withTimeout's timer is unref'd too).
    this.worker.ref();
    this.worker.postMessage({ id, type, ...payload });
    return withTimeout(p, timeoutMs, what).finally(() => {
      this.pending.delete(id);
      if (this.pending.size === 0) this.worker.unref();
    });
  }

  /** Stop polling, close the meter and end the worker (bounded; terminated if it hangs). */
  async close(): Promise<void> {
    if (!this.deadReason) {
      try {
        await this.call('stop', {}, 5_000, 'stopping the power sampler');
      } catch {
        /* terminate below */
      }
    }
    await this.terminate();
  }

  private async terminate(): Promise<void> {
    try {
      await withTimeout(this.worker.terminate(), 5_000, 'terminating the power sampler worker');
    } catch {
      /* already gone */
    }
  }
}
