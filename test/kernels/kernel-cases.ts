// The vitest face of the kernels' case lists (src/bench/kernels/<op>.case.ts): every quick case
// (the ones the gate times) and every correctness-only case (`timed: false`) runs once and is
// checked against its plain-TS reference at its own tolerance, each output named on failure.
import { expect, it } from 'vitest';
import { MissingFeatureError, type Gpu } from '../../src/kernels/index.ts';
import type { KernelBenchCase } from '../../src/bench/kernels/case.ts';
import { expectAllClose } from '../support/allclose.ts';

/** The cases of a list the vitest suite checks. */
export function checkedCases(cases: readonly KernelBenchCase[]): KernelBenchCase[] {
  return cases.filter((c) => c.timed === false || c.quick);
}

export interface CheckOptions {
  /** Per-test timeout (slow compiles). */
  readonly timeout?: number;
  /** A case this adapter cannot run: its set-up must then refuse with MissingFeatureError. */
  readonly unavailable?: (c: KernelBenchCase, gpu: Gpu) => boolean;
}

/** Declares one test per checked case (call inside describeGpu). */
export function checkCases(gpu: () => Gpu, cases: readonly KernelBenchCase[], o: CheckOptions = {}): void {
  const options = o.timeout === undefined ? {} : { timeout: o.timeout };
  for (const c of checkedCases(cases)) {
    it(`${c.kernel} ${c.shape}${c.timed === false ? '' : ' (timed case)'}`, options, async (ctx) => {
      // An f16 case needs shader-f16, which an adapter may lack; what such an adapter does instead
      // (refuse with MissingFeatureError) is tested in each op's *-f16-storage-matches-reference test.
      ctx.skip(c.requires === 'f16' && !gpu().hasF16, 'adapter has no shader-f16: an f16 case cannot run here');
      if (o.unavailable?.(c, gpu())) {
        await expect(c.setup(gpu())).rejects.toThrow(MissingFeatureError);
        return;
      }
      const run = await c.setup(gpu());
      try {
        await run.run();
        const check = await run.check();
        for (const p of check.parts ?? []) expectAllClose(p.actual, p.expected, p.tolerance, p.name, p.scale);
        expect(check.withinTolerance, `max |gpu − ref| ${check.maxAbsError}`).toBe(true);
      } finally {
        run.destroy();
      }
    });
  }
}
