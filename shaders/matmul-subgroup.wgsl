// Batched f32 matmul for adapters whose subgroups hold ≥ 8 invocations, tuned for llvmpipe
// (CPU Vulkan, 8-wide SIMD). Same parameters and result as matmul.wgsl's `main`.
//
// A workgroup of 8 invocations (one subgroup) computes a 16×32 block of C. Each lane owns 2 rows
// and all 32 columns; per k it loads its 2 values of A (one vec2) and ONE vec4 of B's row k, and
// the 8 vec4s reach every lane through subgroupBroadcast. On llvmpipe each storage load is a
// per-lane gather with a bounds check, so sharing B's loads across the subgroup cuts the loads per
// multiply-add from 1/4 (matmul.wgsl's 8×8 block) to 3/32; broadcasts are plain vector splats.
//
// Both operands are packed by matmul-pack.ts (pack_b in matmul.wgsl): A as Aᵀ [K, 4·ceil(M/4)]
// so the subgroup's 16 rows at step k are 64 contiguous bytes (measured 1.6× faster at 1024³
// than reading A's rows K apart), B as [K, N4] vec4. Edge lanes clamp their load indices before
// the k loop (no bounds checks inside it, no early return, so control flow stays uniform for the
// broadcasts) and stores are masked.

enable subgroups;

struct MatmulParams {
  M: u32,
  N: u32,
  K: u32,
  N4: u32,       // vec4 columns of packed B: ceil(N / 4)
  MP2: u32,      // vec2 columns of packed Aᵀ: 2·ceil(M / 4)
  a_batch2: u32, // vec2s between batches of packed Aᵀ (0 = one A for every batch)
  b_batch4: u32, // vec4s between batches of packed B (0 = one B for every batch)
  c_batch: u32,  // elements between batches of C
}

@group(0) @binding(0) var<uniform> p: MatmulParams;
@group(0) @binding(1) var<storage, read> a: array<vec2f>; // packed Aᵀ
@group(0) @binding(2) var<storage, read> b: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;

@compute @workgroup_size(8)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(subgroup_invocation_id) lane: u32) {
  let m0 = wg.y * 16u + lane * 2u; // this lane's rows: m0, m0 + 1
  let nv0 = wg.x * 8u;             // the block's first vec4 column; lane j loads nv0 + j
  let acol = wg.z * p.a_batch2 + min(m0 / 2u, p.MP2 - 1u);
  let bcol = wg.z * p.b_batch4 + min(nv0 + lane, p.N4 - 1u);

  var x0 = vec4f(0.0); var y0 = vec4f(0.0);
  var x1 = vec4f(0.0); var y1 = vec4f(0.0);
  var x2 = vec4f(0.0); var y2 = vec4f(0.0);
  var x3 = vec4f(0.0); var y3 = vec4f(0.0);
  var x4 = vec4f(0.0); var y4 = vec4f(0.0);
  var x5 = vec4f(0.0); var y5 = vec4f(0.0);
  var x6 = vec4f(0.0); var y6 = vec4f(0.0);
  var x7 = vec4f(0.0); var y7 = vec4f(0.0);
  for (var k = 0u; k < p.K; k++) {
    let bl = b[bcol + k * p.N4];
    let av = a[acol + k * p.MP2];
    let a0 = av.x;
    let a1 = av.y;
    let b0 = subgroupBroadcast(bl, 0u); x0 = fma(vec4f(a0), b0, x0); y0 = fma(vec4f(a1), b0, y0);
    let b1 = subgroupBroadcast(bl, 1u); x1 = fma(vec4f(a0), b1, x1); y1 = fma(vec4f(a1), b1, y1);
    let b2 = subgroupBroadcast(bl, 2u); x2 = fma(vec4f(a0), b2, x2); y2 = fma(vec4f(a1), b2, y2);
    let b3 = subgroupBroadcast(bl, 3u); x3 = fma(vec4f(a0), b3, x3); y3 = fma(vec4f(a1), b3, y3);
    let b4 = subgroupBroadcast(bl, 4u); x4 = fma(vec4f(a0), b4, x4); y4 = fma(vec4f(a1), b4, y4);
    let b5 = subgroupBroadcast(bl, 5u); x5 = fma(vec4f(a0), b5, x5); y5 = fma(vec4f(a1), b5, y5);
    let b6 = subgroupBroadcast(bl, 6u); x6 = fma(vec4f(a0), b6, x6); y6 = fma(vec4f(a1), b6, y6);
    let b7 = subgroupBroadcast(bl, 7u); x7 = fma(vec4f(a0), b7, x7); y7 = fma(vec4f(a1), b7, y7);
  }
  let cb = wg.z * p.c_batch;
  if (m0 < p.M) {
    let row0 = cb + m0 * p.N;
    store_vec4(row0, nv0 + 0u, x0);
    store_vec4(row0, nv0 + 1u, x1);
    store_vec4(row0, nv0 + 2u, x2);
    store_vec4(row0, nv0 + 3u, x3);
    store_vec4(row0, nv0 + 4u, x4);
    store_vec4(row0, nv0 + 5u, x5);
    store_vec4(row0, nv0 + 6u, x6);
    store_vec4(row0, nv0 + 7u, x7);
  }
  if (m0 + 1u < p.M) {
    let row1 = cb + (m0 + 1u) * p.N;
    store_vec4(row1, nv0 + 0u, y0);
    store_vec4(row1, nv0 + 1u, y1);
    store_vec4(row1, nv0 + 2u, y2);
    store_vec4(row1, nv0 + 3u, y3);
    store_vec4(row1, nv0 + 4u, y4);
    store_vec4(row1, nv0 + 5u, y5);
    store_vec4(row1, nv0 + 6u, y6);
    store_vec4(row1, nv0 + 7u, y7);
  }
}

// Writes vec4 column v of a row of C, dropping columns >= N.
fn store_vec4(row: u32, v: u32, x: vec4f) {
  let n = v * 4u;
  if (n + 3u < p.N) {
    c[row + n] = x.x;
    c[row + n + 1u] = x.y;
    c[row + n + 2u] = x.z;
    c[row + n + 3u] = x.w;
    return;
  }
  for (var i = 0u; i < 4u; i++) {
    if (n + i < p.N) {
      c[row + n + i] = x[i];
    }
  }
}
