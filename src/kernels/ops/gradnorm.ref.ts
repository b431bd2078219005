// Plain-TS (f64) global gradient norm over several buffers and its clip scale.

export interface GradNormRef {
  /** √(Σ over all buffers of Σ g²). */
  readonly norm: number;
  /** min(1, maxNorm / (norm + 1e-6)); 1 when maxNorm is 0 (no clipping). */
  readonly scale: number;
}

export function gradNormRef(grads: readonly ArrayLike<number>[], maxNorm = 0): GradNormRef {
  let sum = 0;
  for (const g of grads) for (let i = 0; i < g.length; i++) sum += (g[i] ?? Number.NaN) ** 2;
  const norm = Math.sqrt(sum);
  return { norm, scale: maxNorm > 0 ? Math.min(1, maxNorm / (norm + 1e-6)) : 1 };
}

/** The gradients after clipping: each scaled by `scale`. */
export function clipGradsRef(grads: readonly ArrayLike<number>[], scale: number): Float64Array[] {
  return grads.map((g) => Float64Array.from(g, (v) => v * scale));
}
