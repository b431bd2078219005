// The GPU forecaster equals the whole-model f64 reference (llm.c's test_gpt2 pattern): predictions,
// the batch loss and every parameter's gradient, on one device and sequence-parallel over the ring
// (R = 2, 4; contiguous, zigzag, striped; shared and isolated devices), at a length that needs
// padding for every R > 1. A training step records one submit and reads back one small buffer.
import { beforeAll, describe, expect, it } from 'vitest';
import { FP32_TOLERANCE } from '../../src/core/index.ts';
import {
  createSharedTransport,
  openIsolatedTransport,
  RING_LAYOUTS,
  type RingLayoutKind,
  type RingTransport,
} from '../../src/ring/index.ts';
import {
  createGpuModel,
  referenceForward,
  referenceLossAndGrads,
  type HostWindow,
  type ModelConfig,
} from '../../src/train/index.ts';
import { expectAllClose } from '../support/allclose.ts';
import { describeGpu } from '../support/gpu.ts';
import { randomParams, randomWindow, TINY } from './reference-inputs.ts';

// fp32 kernels against the f64 reference: FP32_TOLERANCE (atol 1e-5 + rtol 1e-4·|ref|), the
// project default. Every value is O(1) and each passes through ≤ 2 layers of dot products of ≤ 16
// terms, so f32 rounding (~1e-7 relative per op) stays well inside it.
const T = 13; // 13 rows: zigzag pads to 16 at R = 2 and 24 at R = 4, striped and contiguous pad too
const CONFIG: ModelConfig = TINY;

function hostWindows(): HostWindow[] {
  return [21, 22].map((seed) => {
    const w = randomWindow(CONFIG, T, seed, 3);
    return {
      x: Float32Array.from(w.x),
      future: Float32Array.from(w.future),
      target: Float32Array.from(w.target),
      mask: Float32Array.from(w.mask),
    };
  });
}

const params = Float32Array.from(randomParams(CONFIG, 7));
const windows = hostWindows();
const refWindows = windows.map((w) => ({ T, x: w.x, future: w.future, target: w.target, mask: w.mask }));
const reference = referenceLossAndGrads(CONFIG, params, refWindows);

async function gradsOn(
  transport: RingTransport,
  layout: RingLayoutKind,
): Promise<{ loss: number; grads: Float32Array; pred: Float32Array }> {
  const model = await createGpuModel(transport, { config: CONFIG, seqLen: T, layout });
  try {
    await model.setState(params);
    const { loss, grads } = await model.lossAndGrads(windows);
    const first = windows[0];
    if (!first) throw new Error('no window');
    const pred = await model.predict(first.x, first.future);
    return { loss, grads, pred };
  } finally {
    model.destroy();
  }
}

describeGpu('the GPU forecaster matches the f64 reference', (gpu) => {
  let single: { loss: number; grads: Float32Array; pred: Float32Array };
  beforeAll(async () => {
    single = await gradsOn(createSharedTransport(gpu(), 1), 'contiguous');
  }, 600_000);

  it('R = 1: predictions, loss and every parameter gradient equal the reference (fp32 tolerance)', () => {
    const pred = referenceForward(CONFIG, params, refWindows[0] ?? { T, x: [], future: [], target: [], mask: [] }).pred;
    expectAllClose(single.pred, pred, FP32_TOLERANCE, 'pred');
    expectAllClose([single.loss], [reference.loss], FP32_TOLERANCE, 'loss');
    expectAllClose(single.grads, reference.grads, FP32_TOLERANCE, 'grads');
    // The check can fail: the gradient is far from zero.
    expect(Math.max(...reference.grads.map(Math.abs))).toBeGreaterThan(0.05);
  });

  describe('sequence-parallel over a shared device equals R = 1', () => {
    for (const layout of RING_LAYOUTS) {
      it.each([2, 4])(
        `${layout} R=%i`,
        async (R) => {
          const got = await gradsOn(createSharedTransport(gpu(), R), layout);
          expectAllClose([got.loss], [single.loss], FP32_TOLERANCE, `${layout} R=${R} loss`);
          expectAllClose(got.grads, single.grads, FP32_TOLERANCE, `${layout} R=${R} grads`);
          expectAllClose(got.pred, single.pred, FP32_TOLERANCE, `${layout} R=${R} pred`);
          expectAllClose(got.grads, reference.grads, FP32_TOLERANCE, `${layout} R=${R} grads vs reference`);
        },
        300_000,
      );
    }
  });

  it.each([
    [2, 'zigzag'],
    [3, 'striped'],
  ] as const)(
    'isolated devices R=%i %s equal R = 1',
    async (R, layout) => {
      const transport = await openIsolatedTransport(R, { adapter: { name: gpu().adapter.description } });
      try {
        const got = await gradsOn(transport, layout);
        expectAllClose([got.loss], [single.loss], FP32_TOLERANCE, `isolated ${layout} R=${R} loss`);
        expectAllClose(got.grads, single.grads, FP32_TOLERANCE, `isolated ${layout} R=${R} grads`);
      } finally {
        transport.destroy();
      }
    },
    600_000,
  );

  it('a training step on a shared device is one submit and one read-back (loss and grad norm)', async () => {
    const model = await createGpuModel(createSharedTransport(gpu(), 2), {
      config: CONFIG,
      seqLen: T,
      layout: 'zigzag',
    });
    try {
      await model.setState(params);
      const r = await model.trainStep(windows, { step: 1, lr: 1e-3, weightDecay: 0.01, clip: 1 });
      expect({ submits: r.submits, readBacks: r.readBacks }).toEqual({ submits: 1, readBacks: 1 });
      expectAllClose([r.loss], [reference.loss], FP32_TOLERANCE, 'step loss');
      const norm = Math.hypot(...reference.grads);
      expectAllClose([r.gradNorm], [norm], FP32_TOLERANCE, 'grad norm');
      expect(r.allReduceBytes).toBe(2 * model.params.total * 4);
    } finally {
      model.destroy();
    }
  }, 300_000);
});
