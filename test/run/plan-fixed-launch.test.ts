import { describe, expect, it } from 'vitest';
import { LLVMPIPE, planFor } from '../fixtures/run-plan.js';

// --kernel/--wg/--npi fix the hashing launch: no autotune before the timed search; --no-autotune
// alone means the default x1 kernel.
describe('run plan with a fixed hashing launch', () => {
  it('takes the launch from the flags and plans no autotune', async () => {
    const plan = await planFor(['--kernel', 'x1', '--wg', '128', '--npi', '8'], LLVMPIPE);
    expect(plan.steps[0]).toMatchObject({ kind: 'hash', seconds: 20, launch: { variant: 'x1', workgroupSize: 128, valuesPerInvocation: 8 }, autotuneS: 0 });
    const bare = await planFor(['--no-autotune'], LLVMPIPE);
    expect(bare.steps[0]).toMatchObject({ kind: 'hash', launch: { variant: 'x1' }, autotuneS: 0 });
  });
});
