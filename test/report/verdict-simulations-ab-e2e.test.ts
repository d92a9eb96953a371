// `ab --detect 20 --power 0.99 --max-rounds 32 --alpha 0.01` as the end-to-end test runs it (bench
// `hash bench`: 1 gated metric), against `ab --rounds 8 --alpha 0.01`, at 10 % and 25 % round spread
// (the latter as a fresh-clone CI VM showed): 5,000 seeded trials each through the real verdict and
// sizing, common random numbers for the two arms (bench/verdict-simulations.ts; figures in
// bench/out/verdict-simulations.json).
import { describe, it } from 'vitest';
import { AB_CONFIGS } from '../../bench/verdict-simulations.js';
import { checkAbConfig } from '../fixtures/verdict-sims-ab.js';

describe('ab --detect 20 --power 0.99 --max-rounds 32 --alpha 0.01 (end-to-end test)', () => {
  for (const spread of [0.1, 0.25]) {
    it(`${spread * 100} % round spread: false alarms, detection and rounds as committed; lift ≤ 2 points, detection gained`, () => {
      checkAbConfig(AB_CONFIGS[1]!, spread);
    });
  }
});
