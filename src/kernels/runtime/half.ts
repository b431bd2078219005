// IEEE 754 binary16 ⇄ binary32 conversion for f16 tensors (Node 20 has no Float16Array).

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The f16 bit pattern nearest to `value` (round to nearest even; overflow → ±Inf; NaN kept). */
export function f16Bits(value: number): number {
  f32[0] = value;
  const x = u32[0] ?? 0;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  const mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign; // below half the smallest subnormal: ±0
    const m = mant | 0x800000; // implicit leading 1
    const shift = 14 - e;
    return sign | roundShift(m, shift);
  }
  // Rounding may carry into the exponent, which is the correct next value (up to Inf).
  return (sign | (e << 10)) + roundShift(mant, 13);
}

/** m >> shift, rounded to nearest, ties to even. */
function roundShift(m: number, shift: number): number {
  const q = m >>> shift;
  const rem = m & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  return rem > half || (rem === half && (q & 1) === 1) ? q + 1 : q;
}

/** The value of an f16 bit pattern. */
export function f16Value(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >>> 10) & 0x1f;
  const mant = bits & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

export function toF16Array(values: ArrayLike<number>): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = f16Bits(values[i] ?? 0);
  return out;
}

export function fromF16Array(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = f16Value(bits[i] ?? 0);
  return out;
}

/** Unit roundoff of f16 (11-bit significand): a normal value rounds with relative error ≤ 2^-11. */
export const F16_UNIT_ROUNDOFF = 2 ** -11;

/**
 * Tolerance of f16 storage with f32 accumulation against the f64 result of the unrounded (f32)
 * inputs, with Σ|a·b| as the scale (see matmulMismatch). Storing a and b in f16 rounds each once:
 * a'b' = ab(1 + δa)(1 + δb), so every product is off by at most (2u + u²)|ab| with u = 2^-11, and
 * a sum by (2u + u²)·Σ|a·b|; the f32 products and sums add FP32's atol 1e-5 + rtol 1e-4. A
 * subnormal f16 (|x| < 2^-14) is off by at most 2^-25 absolutely, not relatively: for inputs of
 * magnitude ≤ 1 the atol covers over 300 of them in one sum.
 */
export const F16_STORAGE_TOLERANCE = Object.freeze({
  atol: 1e-5,
  rtol: 2 * F16_UNIT_ROUNDOFF + F16_UNIT_ROUNDOFF ** 2 + 1e-4,
});
