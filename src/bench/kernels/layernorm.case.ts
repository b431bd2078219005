// Layer norm forward and backward: timed over [T = 8,760, C] activations (GB/s), and checked on
// odd shapes, forward then backward from the GPU's own mean and rstd (4,194,319 rows × 1 col: more
// row lanes than 65,535 workgroups of 64 hold, so the grid folds to 2-D).
import { seededF32 } from '../../core/index.ts';
import { LayerNorm, layerNormBackwardRef, layerNormForwardRef } from '../../kernels/index.ts';
import type { KernelBenchCase } from './case.ts';
import { type CaseBuffers, memoryBoundCase } from './training-ops-support.ts';

function inputs(
  rows: number,
  cols: number,
): { x: Float32Array; gamma: Float32Array; beta: Float32Array; dy: Float32Array } {
  return {
    x: seededF32(rows * cols, 11, -2, 3),
    gamma: seededF32(cols, 12, 0.5, 1.5),
    beta: seededF32(cols, 13),
    dy: seededF32(rows * cols, 14),
  };
}

/** The forward pass's buffers: the inputs uploaded, the outputs zeroed. */
function forwardBuffers(bufs: CaseBuffers, d: ReturnType<typeof inputs>, rows: number, cols: number) {
  return {
    x: bufs.upload(d.x, 'x'),
    gamma: bufs.upload(d.gamma, 'gamma'),
    beta: bufs.upload(d.beta, 'beta'),
    y: bufs.zeros(rows * cols, 'y'),
    mean: bufs.zeros(rows, 'mean'),
    rstd: bufs.zeros(rows, 'rstd'),
  };
}

function forwardCase(rows: number, cols: number, quick: boolean): KernelBenchCase {
  const n = rows * cols;
  return memoryBoundCase({
    kernel: 'layernorm-fwd',
    shape: `${rows}x${cols}`,
    quick,
    bytes: (2 * n + 2 * cols + 2 * rows) * 4,
    async setup(bufs) {
      const op = await LayerNorm.prepare(bufs.gpu);
      const d = inputs(rows, cols);
      const io = forwardBuffers(bufs, d, rows, cols);
      return {
        encode: (e) => op.encode(e, io, { rows, cols }),
        outputs: async () => [
          {
            name: 'y',
            actual: await bufs.read(io.y, n),
            expected: layerNormForwardRef(d.x, d.gamma, d.beta, rows, cols).y,
          },
        ],
        destroy: () => op.destroy(),
      };
    },
  });
}

function backwardCase(rows: number, cols: number, quick: boolean): KernelBenchCase {
  const n = rows * cols;
  return memoryBoundCase({
    kernel: 'layernorm-bwd',
    shape: `${rows}x${cols}`,
    quick,
    // reads x, dy, gamma, mean, rstd; writes dx, dgamma, dbeta
    bytes: (3 * n + 3 * cols + 2 * rows) * 4,
    async setup(bufs) {
      const op = await LayerNorm.prepare(bufs.gpu);
      const d = inputs(rows, cols);
      const fwd = layerNormForwardRef(d.x, d.gamma, d.beta, rows, cols);
      const io = {
        x: bufs.upload(d.x, 'x'),
        gamma: bufs.upload(d.gamma, 'gamma'),
        mean: bufs.upload(Float32Array.from(fwd.mean), 'mean'),
        rstd: bufs.upload(Float32Array.from(fwd.rstd), 'rstd'),
        dy: bufs.upload(d.dy, 'dy'),
        dx: bufs.zeros(n, 'dx'),
        dgamma: bufs.zeros(cols, 'dgamma'),
        dbeta: bufs.zeros(cols, 'dbeta'),
      };
      return {
        encode: (e) => op.encodeBackward(e, io, { rows, cols }),
        async outputs() {
          const ref = layerNormBackwardRef(d.x, d.gamma, fwd.mean, fwd.rstd, d.dy, rows, cols);
          // dgamma, dbeta are sums over rows: judged relative to Σ|terms| (allClose's scale).
          const mag = paramGradMagnitudes(d.x, d.dy, fwd.mean, fwd.rstd, rows, cols);
          return [
            { name: 'dx', actual: await bufs.read(io.dx, n), expected: ref.dx },
            { name: 'dgamma', actual: await bufs.read(io.dgamma, cols), expected: ref.dgamma, scale: mag.dgamma },
            { name: 'dbeta', actual: await bufs.read(io.dbeta, cols), expected: ref.dbeta, scale: mag.dbeta },
          ];
        },
        destroy: () => op.destroy(),
      };
    },
  });
}

/** Correctness: forward, then backward from the GPU's mean and rstd; every output at plain fp32. */
function roundTripCase(rows: number, cols: number): KernelBenchCase {
  const n = rows * cols;
  return memoryBoundCase({
    kernel: 'layernorm',
    shape: `${rows}x${cols} forward and backward`,
    quick: false,
    timed: false,
    bytes: 0,
    async setup(bufs) {
      const op = await LayerNorm.prepare(bufs.gpu);
      const d = inputs(rows, cols);
      const io = forwardBuffers(bufs, d, rows, cols);
      const g = {
        dy: bufs.upload(d.dy, 'dy'),
        dx: bufs.zeros(n, 'dx'),
        dgamma: bufs.zeros(cols, 'dgamma'),
        dbeta: bufs.zeros(cols, 'dbeta'),
      };
      return {
        encode(e) {
          op.encode(e, io, { rows, cols });
          op.encodeBackward(e, { x: io.x, gamma: io.gamma, mean: io.mean, rstd: io.rstd, ...g }, { rows, cols });
        },
        async outputs() {
          const ref = layerNormForwardRef(d.x, d.gamma, d.beta, rows, cols);
          const back = layerNormBackwardRef(d.x, d.gamma, ref.mean, ref.rstd, d.dy, rows, cols);
          const read = (b: GPUBuffer, count: number): Promise<Float32Array> => bufs.read(b, count);
          return [
            { name: 'y', actual: await read(io.y, n), expected: ref.y },
            { name: 'mean', actual: await read(io.mean, rows), expected: ref.mean },
            { name: 'rstd', actual: await read(io.rstd, rows), expected: ref.rstd },
            { name: 'dx', actual: await read(g.dx, n), expected: back.dx },
            { name: 'dgamma', actual: await read(g.dgamma, cols), expected: back.dgamma },
            { name: 'dbeta', actual: await read(g.dbeta, cols), expected: back.dbeta },
          ];
        },
        destroy: () => op.destroy(),
      };
    },
  });
}

/** Σ_rows |dy·x̂| and Σ_rows |dy|: the scale of dgamma's and dbeta's f32 rounding error. */
function paramGradMagnitudes(
  x: Float32Array,
  dy: Float32Array,
  mean: Float64Array,
  rstd: Float64Array,
  rows: number,
  cols: number,
) {
  const dgamma = new Float64Array(cols);
  const dbeta = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const g = Math.abs(dy[r * cols + c] ?? 0);
      dgamma[c] = (dgamma[c] ?? 0) + g * Math.abs(((x[r * cols + c] ?? 0) - (mean[r] ?? 0)) * (rstd[r] ?? 0));
      dbeta[c] = (dbeta[c] ?? 0) + g;
    }
  }
  return { dgamma, dbeta };
}

const ODD_SHAPES: readonly (readonly [number, number])[] = [
  [1, 7],
  [67, 33],
  [130, 64],
  [2003, 24],
  [301, 21],
  [4_194_319, 1],
];

const cases: KernelBenchCase[] = [
  forwardCase(8760, 64, true),
  forwardCase(8760, 256, false),
  backwardCase(8760, 64, true),
  backwardCase(8760, 256, false),
  ...ODD_SHAPES.map(([rows, cols]) => roundTripCase(rows, cols)),
];
export default cases;
