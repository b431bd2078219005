// Bias add over rows: y[n, c] = x[n, c] + bias[c]; x, y: [N, C] row-major f32, bias: [C].
// Grid-stride loops over the N·C elements. When C is a multiple of 4 the *_vec4 entries handle
// everything as vec4 (column group i mod C/4); otherwise the scalar entries do.
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
  for (var i = gid.x; i < p.total; i += nwg.x * WG) {
    y[i] = x[i] + bias[i % p.cols];
  }
}

@compute @workgroup_size(WG)
fn bias_add_vec4(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let quads_per_row = p.cols / 4u;
  for (var i = gid.x; i < p.total / 4u; i += nwg.x * WG) {
    y4[i] = x4[i] + bias4[i % quads_per_row];
  }
}

@compute @workgroup_size(WG)
fn bias_add_inplace(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  for (var i = gid.x; i < p.total; i += nwg.x * WG) {
    xy[i] = xy[i] + bias[i % p.cols];
  }
}

@compute @workgroup_size(WG)
fn bias_add_inplace_vec4(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let quads_per_row = p.cols / 4u;
  for (var i = gid.x; i < p.total / 4u; i += nwg.x * WG) {
    xy4[i] = xy4[i] + bias4[i % quads_per_row];
  }
}
