// `infer bench --model tiny` as a new user types it: the default test (pp512 tg128, llama-bench's)
// does not fit the test model's 256-token context, so it is halved (4:1 kept) to pp128 tg32 with a
// warning saying so; typed values that do not fit stay an error naming a test that does.
import { describe, expect, it } from 'vitest';
import { fitTestToContext, runInferBench } from '../../src/infer/bench.js';
import { useTempModelsDir } from '../helpers.js';

useTempModelsDir('jb-infer-fit-');

describe('the default pp/tg test fits a short context', () => {
  it('halving keeps 4:1 and the sum within the context', () => {
    expect(fitTestToContext(4096)).toEqual({ prompt: 512, gen: 128 });
    expect(fitTestToContext(640)).toEqual({ prompt: 512, gen: 128 });
    expect(fitTestToContext(639)).toEqual({ prompt: 256, gen: 64 });
    expect(fitTestToContext(256)).toEqual({ prompt: 128, gen: 32 });
    expect(fitTestToContext(128)).toEqual({ prompt: 64, gen: 16 });
  });

  it('tiny (context 256) with no --prompt/--gen runs pp128 tg32 and says why', async () => {
    const m = await runInferBench({ model: 'tiny', ep: 'cpu', repetitions: 1 });
    expect(m.params).toMatchObject({ prompt: 128, gen: 32 });
    expect(m.warnings.join('\n')).toMatch(/--prompt\/--gen not given: the defaults \(pp512 tg128\) exceed the model's context of 256 tokens; running pp128 tg32/);
  });

  it('a typed test that does not fit is refused, naming one that does', async () => {
    await expect(runInferBench({ model: 'tiny', ep: 'cpu', gen: 128, repetitions: 1 })).rejects.toThrow(
      /--prompt 512 \+ --gen 128 = 640 tokens: exceeds the model's context of 256 \(config\.json\); lower them, e\.g\. --prompt 128 --gen 32/,
    );
  });
});
