// Bad input to the training ops — buffers too small for the shape, lengths past the adapter's
// binding limit, one buffer passed as two operands, impossible hyper-parameters — is refused
// with a ShapeError naming the operand, the shape and the limit, before anything is recorded.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AdamW, BiasAdd, Gelu, GradNorm, LayerNorm, Mse, ResidualAdd, ShapeError } from '../../src/kernels/index.ts';
import { describeGpu } from '../support/gpu.ts';
import { CaseBuffers } from '../../src/bench/kernels/training-ops-support.ts';

async function refused(run: () => Promise<void>, ...parts: (string | RegExp)[]): Promise<void> {
  const error: unknown = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ShapeError);
  const message = error instanceof Error ? error.message : '';
  for (const part of parts) expect(message).toMatch(part);
}

describeGpu('training ops reject bad shapes', (gpu) => {
  let bufs: CaseBuffers;
  beforeAll(() => {
    bufs = new CaseBuffers(gpu());
  });
  afterAll(() => bufs.destroy());

  it('names a bias buffer too small for [rows, cols]', async () => {
    const bias = await BiasAdd.prepare(gpu());
    const io = { x: bufs.zeros(30, 'x'), bias: bufs.zeros(4, 'b'), y: bufs.zeros(30, 'y') };
    await refused(() => bias.run(io, { rows: 5, cols: 6 }), 'biasAdd bias [6]', '24 bytes', "'b' has 16 bytes");
    await refused(() => bias.run({ ...io, y: io.x }, { rows: 5, cols: 6 }), 'biasAdd x and y', 'in-place');
    await refused(() => bias.run(io, { rows: 0, cols: 6 }), 'biasAdd rows = 0');
  });

  it('names mismatched residual operands and lengths past maxStorageBufferBindingSize', async () => {
    const residual = await ResidualAdd.prepare(gpu());
    const io = { x: bufs.zeros(100, 'x'), y: bufs.zeros(99, 'y'), out: bufs.zeros(100, 'out') };
    await refused(() => residual.run(io, 100), 'residualAdd y [100]', "'y' has 396 bytes");
    const limit = gpu().adapter.limits['maxStorageBufferBindingSize'] ?? 0;
    const tooLong = Math.floor(limit / 4) + 1;
    await refused(
      () => residual.run(io, tooLong),
      `residualAdd x [${tooLong}]`,
      `maxStorageBufferBindingSize ${limit}`,
    );
    const gelu = await Gelu.prepare(gpu());
    await refused(() => gelu.run({ x: io.x, y: io.out }, tooLong), `maxStorageBufferBindingSize ${limit}`);
  });

  it('names layer-norm statistics buffers that do not hold one value per row', async () => {
    const ln = await LayerNorm.prepare(gpu());
    const io = {
      x: bufs.zeros(7 * 5, 'x'),
      gamma: bufs.zeros(5, 'gamma'),
      beta: bufs.zeros(5, 'beta'),
      y: bufs.zeros(7 * 5, 'y'),
      mean: bufs.zeros(6, 'mean'),
      rstd: bufs.zeros(7, 'rstd'),
    };
    await refused(() => ln.run(io, { rows: 7, cols: 5 }), 'layerNorm mean [7]', "'mean' has 24 bytes");
  });

  it('refuses an MSE stats buffer under 2 values, an empty grad list, and AdamW step 0', async () => {
    const mse = await Mse.prepare(gpu());
    const pred = bufs.zeros(10, 'pred');
    await refused(
      () => mse.run({ pred, target: bufs.zeros(10, 't'), stats: bufs.zeros(1, 'stats') }, 10),
      'mse stats [2]',
    );
    const norm = await GradNorm.prepare(gpu());
    await refused(() => norm.run([], bufs.zeros(2, 'r')), 'at least one gradient buffer');
    await refused(() => norm.run([{ buffer: pred, count: 10 }], bufs.zeros(2, 'r'), Number.NaN), 'maxNorm = NaN');
    await refused(
      () =>
        norm.run(
          [
            { buffer: pred, count: 10 },
            { buffer: pred, count: 5 },
          ],
          bufs.zeros(2, 'r'),
        ),
      "grads[1]: buffer 'pred' is listed twice",
    );
    const adamw = await AdamW.prepare(gpu());
    const io = {
      param: bufs.zeros(10, 'p'),
      grad: bufs.zeros(10, 'g'),
      m: bufs.zeros(10, 'm'),
      v: bufs.zeros(10, 'v'),
    };
    await refused(() => adamw.run(io, 10, { step: 0, lr: 1e-3 }), 'adamw step = 0');
    await refused(() => adamw.run({ ...io, m: io.v }, 10, { step: 1, lr: 1e-3 }), 'adamw m and v');
    await refused(() => adamw.run(io, 10, { step: 1, lr: 1e-3, beta2: 1 }), 'adamw beta2 = 1');
  });
});
