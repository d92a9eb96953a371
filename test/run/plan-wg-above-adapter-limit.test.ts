import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/util/errors.js';
import { H100, planFor } from '../fixtures/run-plan.js';

// --wg is checked against the opened adapter's limit when the plan is made, before the monitor,
// the idle baseline or any bench: a one-line usage error naming the flag and the limit.
describe('run plan with --wg above the adapter limit', () => {
  it('is refused with the limit', async () => {
    const err = await planFor(['--wg', '512'], H100).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toBe('--wg 512: this adapter allows at most 256 invocations per workgroup');
  });
});
