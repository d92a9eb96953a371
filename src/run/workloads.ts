/**
 * The workloads joulebench can run on its benchmark core (src/core/), by name. Adding a workload is
 * its own folder (a core Workload and a WorkloadDefinition) plus one `.register(…)` line here
 * (ARCHITECTURE.md, "How to add a workload").
 */
import { WorkloadRegistry } from '../core/registry.js';
import { hashSearchDefinition } from '../hash/bench.js';
import { inferBenchDefinition } from '../infer/bench.js';

/** Every registered workload. */
export const workloads = new WorkloadRegistry()
  .register(hashSearchDefinition)
  .register(inferBenchDefinition);
