// Bias add over rows: y[n, c] = x[n, c] + bias[c]; x, y: [N, C] row-major f32, bias: [C].
// Grid-stride loops over the N·C elements. When C is a multiple of 4 the *_vec4 entries handle
// everything as vec4 (column group i mod C/4); otherwise the scalar entries do. The column is
// tracked incrementally (one % per lane, not per element: integer division is slow on CPU SIMD).
override WG: u32 = 256;

struct BiasAddParams {
  total: u32, // N·C
  cols: u32,  // C
}

@group(0) @binding(0) var<uniform> p: BiasAddParams;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;
// In-place variants: xy += bias (a buffer cannot be bound read-only and writable at once).
@group(0) @binding(4) var<storage, read_write> xy: array<f32>;
@group(0) @binding(5) var<storage, read> x4: array<vec4f>;
@group(0) @binding(6) var<storage, read> bias4: array<vec4f>;
@group(0) @binding(7) var<storage, read_write> y4: array<vec4f>;
@group(0) @binding(8) var<storage, read_write> xy4: array<vec4f>;

@compute @workgroup_size(WG)
fn bias_add(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let stride = nwg.x * WG;
  let step = stride % p.cols;
  var c = gid.x % p.cols;
  for (var i = gid.x; i < p.total; i += stride) {
    y[i] = x[i] + bias[c];
    c = next_column(c, step, p.cols);
  }
}

/** (c + step) mod n for c, step < n, without a division. */
fn next_column(c: u32, step: u32, n: u32) -> u32 {
  let d = c + step;
  return select(d, d - n, d >= n);
}

@compute @workgroup_size(WG)
fn bias_add_vec4(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let quads_per_row = p.cols / 4u;
  let stride = nwg.x * WG;
  let step = stride % quads_per_row;
  var c = gid.x % quads_per_row;
  for (var i = gid.x; i < p.total / 4u; i += stride) {
    y4[i] = x4[i] + bias4[c];
    c = next_column(c, step, quads_per_row);
  }
}

@compute @workgroup_size(WG)
fn bias_add_inplace(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let stride = nwg.x * WG;
  let step = stride % p.cols;
  var c = gid.x % p.cols;
  for (var i = gid.x; i < p.total; i += stride) {
    xy[i] = xy[i] + bias[c];
    c = next_column(c, step, p.cols);
  }
}

@compute @workgroup_size(WG)
fn bias_add_inplace_vec4(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let quads_per_row = p.cols / 4u;
  let stride = nwg.x * WG;
  let step = stride % quads_per_row;
  var c = gid.x % quads_per_row;
  for (var i = gid.x; i < p.total / 4u; i += stride) {
    xy4[i] = xy4[i] + bias4[c];
    c = next_column(c, step, quads_per_row);
  }
}
