// Seeded initialisation of the flat parameter buffer: a splitmix32 stream and Box–Muller normals,
// drawn slice by slice in buffer order with each slice's init kind; padding stays 0.
import { paramLayout, type ModelConfig, type ParamSlice } from '../params.ts';
import { UsageError } from '../../core/index.ts';
import { checkConfig } from './validate.ts';

/** splitmix32 (a 32-bit port of Steele et al.'s SplitMix): one uint32 per call. */
function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** Standard normals by Box–Muller, both values of each pair used; u1 ∈ (0, 1) so log is finite. */
function normals(next: () => number): () => number {
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const z = spare;
      spare = undefined;
      return z;
    }
    const u1 = (next() + 0.5) / 2 ** 32;
    const u2 = next() / 2 ** 32;
    const r = Math.sqrt(-2 * Math.log(u1));
    spare = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  };
}

/**
 * Standard deviation of a normal-initialised slice (undefined for constants). 'fanIn' is
 * 1/√(rows of [in, out]); 'residual' scales GPT-2's 0.02 by 1/√(2·layers), the number of
 * residual adds, so the residual stream's variance does not grow with depth.
 */
export function initStd(c: ModelConfig, s: ParamSlice): number | undefined {
  switch (s.init) {
    case 'fanIn':
      return 1 / Math.sqrt(s.shape[0] ?? 1);
    case 'small':
      return 0.02;
    case 'residual':
      return 0.02 / Math.sqrt(2 * c.layers);
    case 'zeros':
    case 'ones':
      return undefined;
  }
}

/** Flat f32 parameters for `config`, identical bits for the same seed (a uint32) on every call. */
export function initParams(config: ModelConfig, seed: number): Float32Array {
  checkConfig(config);
  if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32) {
    throw new UsageError('TRAIN_SEED', `seed = ${seed}: expected an integer in [0, 2^32)`);
  }
  const layout = paramLayout(config);
  const out = new Float32Array(layout.total);
  const normal = normals(splitmix32(seed));
  for (const s of layout.slices) {
    const view = out.subarray(s.offset, s.offset + s.count);
    const std = initStd(config, s);
    if (std !== undefined) for (let i = 0; i < view.length; i++) view[i] = std * normal();
    else view.fill(s.init === 'ones' ? 1 : 0);
  }
  return out;
}
