// Bias add over rows: y[n, c] = x[n, c] + bias[c]; x, y: [N, C] row-major f32, bias: [C].
// Grid-stride loop over the N·C elements (each lane loops, so any N·C fits the grid limit).
override WG: u32 = 256;

struct BiasAddParams {
  total: u32, // N·C
  cols: u32,  // C
}

@group(0) @binding(0) var<uniform> p: BiasAddParams;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;
// In-place variant: xy += bias (a buffer cannot be bound read-only and writable at once).
@group(0) @binding(4) var<storage, read_write> xy: array<f32>;

@compute @workgroup_size(WG)
fn bias_add(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let stride = nwg.x * WG;
  for (var i = gid.x; i < p.total; i += stride) {
    y[i] = x[i] + bias[i % p.cols];
  }
}

@compute @workgroup_size(WG)
fn bias_add_inplace(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let stride = nwg.x * WG;
  for (var i = gid.x; i < p.total; i += stride) {
    xy[i] = xy[i] + bias[i % p.cols];
  }
}
