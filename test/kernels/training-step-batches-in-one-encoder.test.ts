// A whole small training step — layer norm → GELU → masked MSE, its backward, grad-norm clipping
// and AdamW on gamma and beta — recorded into ONE encoder and submitted once, matches the same
// chain of f64 references. Proves ops compose and per-dispatch uniforms survive batching.
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  AdamW,
  Gelu,
  GradNorm,
  LayerNorm,
  Mse,
  adamwStepRef,
  clipGradsRef,
  geluBackwardRef,
  geluRef,
  gradNormRef,
  layerNormBackwardRef,
  layerNormForwardRef,
  mseBackwardRef,
  mseRef,
  submitAndWait,
} from '../../src/kernels/index.ts';
import { expectAllClose } from '../support/allclose.ts';
import { describeGpu } from '../support/gpu.ts';
import { FP32_TOLERANCE, seededF32 } from '../../src/core/index.ts';
import { CaseBuffers } from '../../src/bench/kernels/training-ops-support.ts';

const [ROWS, COLS] = [203, 36];
const N = ROWS * COLS;
const HYPER = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01 };
const MAX_NORM = 0.05;

function referenceStep(
  x: Float32Array,
  gamma: Float32Array,
  beta: Float32Array,
  target: Float32Array,
  mask: Float32Array,
) {
  const fwd = layerNormForwardRef(x, gamma, beta, ROWS, COLS);
  const h = geluRef(fwd.y);
  const loss = mseRef(h, target, mask);
  const dy = geluBackwardRef(fwd.y, mseBackwardRef(h, target, mask));
  const back = layerNormBackwardRef(x, gamma, fwd.mean, fwd.rstd, dy, ROWS, COLS);
  const norm = gradNormRef([back.dgamma, back.dbeta], MAX_NORM);
  const [dgamma = new Float64Array(), dbeta = new Float64Array()] = clipGradsRef([back.dgamma, back.dbeta], norm.scale);
  const [g, b] = [Float64Array.from(gamma), Float64Array.from(beta)];
  adamwStepRef(g, dgamma, new Float64Array(COLS), new Float64Array(COLS), HYPER, 1);
  adamwStepRef(b, dbeta, new Float64Array(COLS), new Float64Array(COLS), HYPER, 1);
  return { loss, dx: back.dx, norm, gamma: g, beta: b };
}

describeGpu('a training step batches in one encoder', (gpu) => {
  let ops: { ln: LayerNorm; gelu: Gelu; mse: Mse; norm: GradNorm; adamw: AdamW };
  let bufs: CaseBuffers;
  beforeAll(async () => {
    const g = gpu();
    const [ln, gelu, mse, norm, adamw] = await Promise.all([
      LayerNorm.prepare(g),
      Gelu.prepare(g),
      Mse.prepare(g),
      GradNorm.prepare(g),
      AdamW.prepare(g),
    ]);
    ops = { ln, gelu, mse, norm, adamw };
    bufs = new CaseBuffers(g);
  });
  afterAll(() => {
    ops.ln.destroy();
    ops.mse.destroy();
    ops.norm.destroy();
    bufs.destroy();
  });

  it(`forward, backward, clip and AdamW over [${ROWS}, ${COLS}] in one submit`, async () => {
    const data = {
      x: seededF32(N, 91, -2, 2),
      gamma: seededF32(COLS, 92, 0.5, 1.5),
      beta: seededF32(COLS, 93),
      target: seededF32(N, 94),
    };
    const mask = seededF32(N, 95).map((v) => (v > 0 ? 1 : 0));
    const b = {
      x: bufs.upload(data.x, 'x'),
      gamma: bufs.upload(data.gamma, 'gamma'),
      beta: bufs.upload(data.beta, 'beta'),
      target: bufs.upload(data.target, 'target'),
      mask: bufs.upload(mask, 'mask'),
      y: bufs.zeros(N, 'y'),
      mean: bufs.zeros(ROWS, 'mean'),
      rstd: bufs.zeros(ROWS, 'rstd'),
      h: bufs.zeros(N, 'h'),
      stats: bufs.zeros(2, 'stats'),
      dh: bufs.zeros(N, 'dh'),
      dy: bufs.zeros(N, 'dy'),
      dx: bufs.zeros(N, 'dx'),
      dgamma: bufs.zeros(COLS, 'dgamma'),
      dbeta: bufs.zeros(COLS, 'dbeta'),
      result: bufs.zeros(2, 'result'),
      mg: bufs.zeros(COLS, 'm gamma'),
      vg: bufs.zeros(COLS, 'v gamma'),
      mb: bufs.zeros(COLS, 'm beta'),
      vb: bufs.zeros(COLS, 'v beta'),
    };
    const shape = { rows: ROWS, cols: COLS };
    await submitAndWait(gpu(), (e) => {
      ops.ln.encode(e, { x: b.x, gamma: b.gamma, beta: b.beta, y: b.y, mean: b.mean, rstd: b.rstd }, shape);
      ops.gelu.encode(e, { x: b.y, y: b.h }, N);
      ops.mse.encode(e, { pred: b.h, target: b.target, mask: b.mask, stats: b.stats }, N);
      ops.mse.encodeBackward(e, { pred: b.h, target: b.target, mask: b.mask, stats: b.stats, dpred: b.dh }, N);
      ops.gelu.encodeBackward(e, { x: b.y, dy: b.dh, dx: b.dy }, N);
      ops.ln.encodeBackward(
        e,
        { x: b.x, gamma: b.gamma, mean: b.mean, rstd: b.rstd, dy: b.dy, dx: b.dx, dgamma: b.dgamma, dbeta: b.dbeta },
        shape,
      );
      ops.norm.encodeNormAndClip(
        e,
        [
          { buffer: b.dgamma, count: COLS },
          { buffer: b.dbeta, count: COLS },
        ],
        b.result,
        MAX_NORM,
      );
      ops.adamw.encode(e, { param: b.gamma, grad: b.dgamma, m: b.mg, v: b.vg }, COLS, { ...HYPER, step: 1 });
      ops.adamw.encode(e, { param: b.beta, grad: b.dbeta, m: b.mb, v: b.vb }, COLS, { ...HYPER, step: 1 });
    });
    const ref = referenceStep(data.x, data.gamma, data.beta, data.target, mask);
    expect(ref.norm.scale).toBeLessThan(1); // the step really clips
    // atol 1e-5, rtol 1e-4
    expectAllClose(await bufs.read(b.stats, 2), [ref.loss.loss, ref.loss.weight], FP32_TOLERANCE, 'stats');
    expectAllClose(await bufs.read(b.dx, N), ref.dx, FP32_TOLERANCE, 'dx'); // atol 1e-5, rtol 1e-4
    // atol 1e-5, rtol 1e-4
    expectAllClose(await bufs.read(b.result, 2), [ref.norm.norm, ref.norm.scale], FP32_TOLERANCE, 'result');
    expectAllClose(await bufs.read(b.gamma, COLS), ref.gamma, FP32_TOLERANCE, 'gamma'); // atol 1e-5, rtol 1e-4
    expectAllClose(await bufs.read(b.beta, COLS), ref.beta, FP32_TOLERANCE, 'beta'); // atol 1e-5, rtol 1e-4
  });
});
