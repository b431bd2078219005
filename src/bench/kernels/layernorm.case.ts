// Benchmarks of layer norm forward and backward over [T = 8,760, C] activations (GB/s).
import { LayerNorm, layerNormBackwardRef, layerNormForwardRef } from '../../kernels/index.ts';
import type { KernelBenchCase } from './case.ts';
import { seededF32 } from '../../core/index.ts';
import { memoryBoundCase } from './training-ops-support.ts';

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
      const io = {
        x: bufs.upload(d.x, 'x'),
        gamma: bufs.upload(d.gamma, 'gamma'),
        beta: bufs.upload(d.beta, 'beta'),
        y: bufs.zeros(n, 'y'),
        mean: bufs.zeros(rows, 'mean'),
        rstd: bufs.zeros(rows, 'rstd'),
      };
      return {
        encode: (e) => op.encode(e, io, { rows, cols }),
        outputs: async () => [await bufs.read(io.y, n), layerNormForwardRef(d.x, d.gamma, d.beta, rows, cols).y],
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
          const got = [await bufs.read(io.dx, n), await bufs.read(io.dgamma, cols), await bufs.read(io.dbeta, cols)];
          // dgamma, dbeta are sums over rows: judged relative to Σ|terms| (allClose's scale).
          const mag = paramGradMagnitudes(d.x, d.dy, fwd.mean, fwd.rstd, rows, cols);
          return [
            concat(got),
            concat([ref.dx, ref.dgamma, ref.dbeta]),
            concat([new Float64Array(n), mag.dgamma, mag.dbeta]),
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

function concat(parts: readonly ArrayLike<number>[]): Float64Array {
  const out = new Float64Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(Array.from(p), at);
    at += p.length;
  }
  return out;
}

const cases: KernelBenchCase[] = [
  forwardCase(8760, 64, true),
  forwardCase(8760, 256, false),
  backwardCase(8760, 64, true),
  backwardCase(8760, 256, false),
];
export default cases;
