// The kernels one device needs to train the forecaster, compiled once per device, and the model's
// steps written in terms of them (linear layer forward and backward, norms, activations, loss,
// optimiser). Everything records into a caller's encoder; nothing here submits or reads back.
import {
  AdamW,
  BiasAdd,
  createMatmul,
  Gelu,
  GradNorm,
  LayerNorm,
  Pinball,
  ResidualAdd,
  STORAGE_USAGE as STORAGE,
  type AdamWStep,
  type Gpu,
  type MatmulKernel,
  type MatmulShape,
  type PinballShape,
} from '../kernels/index.ts';
import { LAYER_NORM_EPS } from './params.ts';

/** y = x·W + b on `rows` rows; x [rows, inDim], W [inDim, outDim], b [outDim], y [rows, outDim]. */
export interface LinearShape {
  readonly rows: number;
  readonly inDim: number;
  readonly outDim: number;
}

export interface DeviceOps {
  readonly gpu: Gpu;
  /** Compiles the matmuls a linear layer of `shape` needs (forward, dW, dX); call before encoding. */
  prepareLinear(shape: LinearShape): Promise<void>;
  linear(e: GPUCommandEncoder, io: { x: GPUBuffer; w: GPUBuffer; b: GPUBuffer; y: GPUBuffer }, s: LinearShape): void;
  /** dW = xᵀ·dy and db = Σ_rows dy (overwritten). */
  linearParamGrads(
    e: GPUCommandEncoder,
    io: { x: GPUBuffer; dy: GPUBuffer; dw: GPUBuffer; db: GPUBuffer },
    s: LinearShape,
  ): void;
  /** dx = dy·Wᵀ (overwritten). */
  linearInputGrad(e: GPUCommandEncoder, io: { dy: GPUBuffer; w: GPUBuffer; dx: GPUBuffer }, s: LinearShape): void;
  layerNorm(
    e: GPUCommandEncoder,
    io: { x: GPUBuffer; gamma: GPUBuffer; beta: GPUBuffer; y: GPUBuffer; mean: GPUBuffer; rstd: GPUBuffer },
    rows: number,
    cols: number,
  ): void;
  layerNormBackward(
    e: GPUCommandEncoder,
    io: {
      x: GPUBuffer;
      gamma: GPUBuffer;
      mean: GPUBuffer;
      rstd: GPUBuffer;
      dy: GPUBuffer;
      dx: GPUBuffer;
      dgamma: GPUBuffer;
      dbeta: GPUBuffer;
    },
    rows: number,
    cols: number,
  ): void;
  gelu(e: GPUCommandEncoder, io: { x: GPUBuffer; y: GPUBuffer }, total: number): void;
  geluBackward(e: GPUCommandEncoder, io: { x: GPUBuffer; dy: GPUBuffer; dx: GPUBuffer }, total: number): void;
  /** out = x + y. */
  add(e: GPUCommandEncoder, io: { x: GPUBuffer; y: GPUBuffer; out: GPUBuffer }, total: number): void;
  /** acc += y. */
  addInPlace(e: GPUCommandEncoder, io: { acc: GPUBuffer; y: GPUBuffer }, total: number): void;
  /** stats = [Σ mask·Σ_q ρ_τq(target − pred_q) / (Q·Σ mask), Σ mask]; pred [rows, Q]. */
  pinball(
    e: GPUCommandEncoder,
    io: { pred: GPUBuffer; target: GPUBuffer; mask: GPUBuffer; stats: GPUBuffer },
    s: PinballShape,
  ): void;
  /** dpred = seed · ∂loss/∂pred (Σ mask from stats). */
  pinballBackward(
    e: GPUCommandEncoder,
    io: { pred: GPUBuffer; target: GPUBuffer; mask: GPUBuffer; stats: GPUBuffer; dpred: GPUBuffer },
    s: PinballShape,
    seed: number,
  ): void;
  /** result = [‖g‖₂, clip scale]; g scaled by the clip when maxNorm > 0. */
  gradNormAndClip(e: GPUCommandEncoder, grads: GPUBuffer, count: number, result: GPUBuffer, maxNorm: number): void;
  adamw(
    e: GPUCommandEncoder,
    io: { param: GPUBuffer; grad: GPUBuffer; m: GPUBuffer; v: GPUBuffer },
    total: number,
    step: AdamWStep,
  ): void;
  /** A zeroed f32 storage buffer of `count` values. */
  buffer(count: number, label: string): GPUBuffer;
  destroy(): void;
}

const key = (s: MatmulShape): string => JSON.stringify(s);

/** Compiles the element-wise and reduction kernels on `gpu`; matmuls follow in prepareLinear. */
export async function createDeviceOps(gpu: Gpu): Promise<DeviceOps> {
  const [ln, gelu, pinball, adamw, norm, residual, bias] = await Promise.all([
    LayerNorm.prepare(gpu),
    Gelu.prepare(gpu),
    Pinball.prepare(gpu),
    AdamW.prepare(gpu),
    GradNorm.prepare(gpu),
    ResidualAdd.prepare(gpu),
    BiasAdd.prepare(gpu),
  ]);
  const matmuls = new Map<string, Promise<MatmulKernel>>();
  const ready = new Map<string, MatmulKernel>();
  const owned: GPUBuffer[] = [];
  const mm = (s: MatmulShape): MatmulKernel => {
    const k = ready.get(key(s));
    if (!k) throw new Error(`matmul ${key(s)} used before prepareLinear compiled it`);
    return k;
  };
  const shapes = (s: LinearShape) => ({
    forward: { M: s.rows, N: s.outDim, K: s.inDim },
    weightGrad: { M: s.inDim, N: s.outDim, K: s.rows, transA: true },
    inputGrad: { M: s.rows, N: s.inDim, K: s.outDim, transB: true },
  });
  return {
    gpu,
    async prepareLinear(s) {
      for (const shape of Object.values(shapes(s))) {
        const k = key(shape);
        if (!matmuls.has(k)) {
          const built = createMatmul(gpu, shape).then((kernel) => {
            ready.set(k, kernel);
            return kernel;
          });
          matmuls.set(k, built);
        }
        await matmuls.get(k);
      }
    },
    linear(e, io, s) {
      mm(shapes(s).forward).encode(e, { a: io.x, b: io.w, c: io.y });
      bias.encodeInPlace(e, { xy: io.y, bias: io.b }, { rows: s.rows, cols: s.outDim });
    },
    linearParamGrads(e, io, s) {
      mm(shapes(s).weightGrad).encode(e, { a: io.x, b: io.dy, c: io.dw });
      bias.encodeGrad(e, { dy: io.dy, dbias: io.db }, { rows: s.rows, cols: s.outDim });
    },
    linearInputGrad(e, io, s) {
      mm(shapes(s).inputGrad).encode(e, { a: io.dy, b: io.w, c: io.dx });
    },
    layerNorm: (e, io, rows, cols) => ln.encode(e, io, { rows, cols, eps: LAYER_NORM_EPS }),
    layerNormBackward: (e, io, rows, cols) => ln.encodeBackward(e, io, { rows, cols, eps: LAYER_NORM_EPS }),
    gelu: (e, io, total) => gelu.encode(e, io, total),
    geluBackward: (e, io, total) => gelu.encodeBackward(e, io, total),
    add: (e, io, total) => residual.encode(e, io, total),
    addInPlace: (e, io, total) => residual.encodeInPlace(e, io, total),
    pinball: (e, io, shape) => pinball.encode(e, io, shape),
    pinballBackward: (e, io, shape, seed) => pinball.encodeBackward(e, io, shape, seed),
    gradNormAndClip: (e, grads, count, result, maxNorm) =>
      norm.encodeNormAndClip(e, [{ buffer: grads, count }], result, maxNorm),
    adamw: (e, io, total, step) => adamw.encode(e, io, total, step),
    buffer(count, label) {
      const b = gpu.device.createBuffer({ label, size: Math.max(4, count * 4), usage: STORAGE });
      owned.push(b);
      return b;
    },
    destroy() {
      for (const k of ready.values()) k.destroy();
      for (const b of owned) b.destroy();
      ln.destroy();
      pinball.destroy();
      norm.destroy();
      bias.destroy();
    },
  };
}
