// Batched matmul with f16 storage and f32 accumulation: C[b] = A[b] · B[b], A and B stored as f16
// (half the bytes of f32), every product and sum in f32, C written as f32. The same kernel as
// matmul.wgsl's `main` (8×8 register block per invocation, scalar A loads, vec4 B loads, no
// workgroup memory) with each loaded value widened to f32; `pack_b` likewise packs f16 B into
// [K, N4] vec4<f16>. Needs the `shader-f16` feature; matmul.ts selects it for `storage: 'f16'`.
//
// Layouts, packing of B and edge tiles as in matmul.wgsl.
//
// Error: each A and B value carries one f16 rounding (unit roundoff 2^-11) from its conversion;
// the products and sums add only f32 rounding. docs/kernels.md gives the bound and the measured
// error.

enable f16;

override WG_X: u32 = 8; // invocations along n; each covers 2 vec4 columns, WG_X apart
override WG_Y: u32 = 1; // invocations along m; each covers 8 rows

struct MatmulParams {
  M: u32,
  N: u32,
  K: u32,
  N4: u32,       // vec4 columns of packed B: ceil(N / 4)
  a_row: u32,    // element stride between rows m of A (K for A, 1 for Aᵀ)
  a_col: u32,    // element stride between columns k of A (1 for A, M for Aᵀ)
  a_batch: u32,  // elements between batches of A (0 broadcasts one A to every batch)
  b_batch4: u32, // vec4s between batches of packed B
  c_batch: u32,  // elements between batches of C
}

@group(0) @binding(0) var<uniform> p: MatmulParams;
@group(0) @binding(1) var<storage, read> a: array<f16>;
@group(0) @binding(2) var<storage, read> b: array<vec4h>;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;

@compute @workgroup_size(WG_X, WG_Y, 1)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let m0 = (wg.y * WG_Y + lid.y) * 8u;
  let v0 = wg.x * WG_X * 2u + lid.x; // first vec4 column; the second is v0 + WG_X
  let v1 = v0 + WG_X;
  if (m0 >= p.M || v0 >= p.N4) {
    return;
  }
  // Clamped row starts of A and vec4 columns of B: edge lanes compute duplicates, stores drop them.
  let last = p.M - 1u;
  let ab = wg.z * p.a_batch;
  let r0 = ab + min(m0, last) * p.a_row;
  let r1 = ab + min(m0 + 1u, last) * p.a_row;
  let r2 = ab + min(m0 + 2u, last) * p.a_row;
  let r3 = ab + min(m0 + 3u, last) * p.a_row;
  let r4 = ab + min(m0 + 4u, last) * p.a_row;
  let r5 = ab + min(m0 + 5u, last) * p.a_row;
  let r6 = ab + min(m0 + 6u, last) * p.a_row;
  let r7 = ab + min(m0 + 7u, last) * p.a_row;
  let bb = wg.z * p.b_batch4;
  let c0 = bb + v0;
  let c1 = bb + min(v1, p.N4 - 1u);

  var x0 = vec4f(0.0); var y0 = vec4f(0.0);
  var x1 = vec4f(0.0); var y1 = vec4f(0.0);
  var x2 = vec4f(0.0); var y2 = vec4f(0.0);
  var x3 = vec4f(0.0); var y3 = vec4f(0.0);
  var x4 = vec4f(0.0); var y4 = vec4f(0.0);
  var x5 = vec4f(0.0); var y5 = vec4f(0.0);
  var x6 = vec4f(0.0); var y6 = vec4f(0.0);
  var x7 = vec4f(0.0); var y7 = vec4f(0.0);
  for (var k = 0u; k < p.K; k++) {
    let ka = k * p.a_col;
    let kb = k * p.N4;
    let b0 = vec4f(b[c0 + kb]);
    let b1 = vec4f(b[c1 + kb]);
    let a0 = f32(a[r0 + ka]); x0 = fma(vec4f(a0), b0, x0); y0 = fma(vec4f(a0), b1, y0);
    let a1 = f32(a[r1 + ka]); x1 = fma(vec4f(a1), b0, x1); y1 = fma(vec4f(a1), b1, y1);
    let a2 = f32(a[r2 + ka]); x2 = fma(vec4f(a2), b0, x2); y2 = fma(vec4f(a2), b1, y2);
    let a3 = f32(a[r3 + ka]); x3 = fma(vec4f(a3), b0, x3); y3 = fma(vec4f(a3), b1, y3);
    let a4 = f32(a[r4 + ka]); x4 = fma(vec4f(a4), b0, x4); y4 = fma(vec4f(a4), b1, y4);
    let a5 = f32(a[r5 + ka]); x5 = fma(vec4f(a5), b0, x5); y5 = fma(vec4f(a5), b1, y5);
    let a6 = f32(a[r6 + ka]); x6 = fma(vec4f(a6), b0, x6); y6 = fma(vec4f(a6), b1, y6);
    let a7 = f32(a[r7 + ka]); x7 = fma(vec4f(a7), b0, x7); y7 = fma(vec4f(a7), b1, y7);
  }
  let cb = wg.z * p.c_batch;
  store_row(cb, m0, v0, v1, x0, y0);
  store_row(cb, m0 + 1u, v0, v1, x1, y1);
  store_row(cb, m0 + 2u, v0, v1, x2, y2);
  store_row(cb, m0 + 3u, v0, v1, x3, y3);
  store_row(cb, m0 + 4u, v0, v1, x4, y4);
  store_row(cb, m0 + 5u, v0, v1, x5, y5);
  store_row(cb, m0 + 6u, v0, v1, x6, y6);
  store_row(cb, m0 + 7u, v0, v1, x7, y7);
}

// Writes row m's two vec4 column blocks, dropping rows >= M and columns >= N.
fn store_row(cb: u32, m: u32, v0: u32, v1: u32, x: vec4f, y: vec4f) {
  if (m >= p.M) {
    return;
  }
  let row = cb + m * p.N;
  store4(row, v0 * 4u, x);
  if (v1 < p.N4) {
    store4(row, v1 * 4u, y);
  }
}

fn store4(row: u32, n: u32, v: vec4f) {
  if (n + 3u < p.N) {
    c[row + n] = v.x;
    c[row + n + 1u] = v.y;
    c[row + n + 2u] = v.z;
    c[row + n + 3u] = v.w;
    return;
  }
  for (var i = 0u; i < 4u; i++) {
    if (n + i < p.N) {
      c[row + n + i] = v[i];
    }
  }
}

// ---- pack_b: f16 B (any strides) → row-major [batch, K, N4] vec4<f16>, zero-padded past N ----

struct PackParams {
  K: u32,
  N: u32,
  N4: u32,
  b_row: u32,   // element stride between rows k of B (N for B, 1 for Bᵀ)
  b_col: u32,   // element stride between columns n of B (1 for B, K for Bᵀ)
  b_batch: u32, // elements between batches of B (0 broadcasts one B)
  batches: u32,
}

@group(0) @binding(0) var<uniform> q: PackParams;
@group(0) @binding(1) var<storage, read> src: array<f16>;
@group(0) @binding(2) var<storage, read_write> packed: array<vec4h>;

// One invocation per packed vec4; x covers (k, vec4 column), y covers batches.
@compute @workgroup_size(64)
fn pack_b(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = id.x + id.y * groups.x * 64u;
  if (i >= q.K * q.N4 * q.batches) {
    return;
  }
  let per_batch = q.K * q.N4;
  let batch = i / per_batch;
  let k = (i % per_batch) / q.N4;
  let n = (i % q.N4) * 4u;
  let base = batch * q.b_batch + k * q.b_row;
  var v = vec4h(0.0);
  for (var j = 0u; j < 4u; j++) {
    if (n + j < q.N) {
      v[j] = src[base + (n + j) * q.b_col];
    }
  }
  packed[i] = v;
}
