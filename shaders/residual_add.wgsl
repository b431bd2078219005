// Residual add: out = x + y, or in place acc += y; all flat f32 arrays of `total` elements.
// Grid-stride loop so any length fits the workgroup-count limit.
override WG: u32 = 256;

struct ResidualAddParams {
  total: u32,
}

@group(0) @binding(0) var<uniform> p: ResidualAddParams;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> y: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
@group(0) @binding(4) var<storage, read_write> acc: array<f32>;

@compute @workgroup_size(WG)
fn residual_add(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let stride = nwg.x * WG;
  for (var i = gid.x; i < p.total; i += stride) {
    out[i] = x[i] + y[i];
  }
}

@compute @workgroup_size(WG)
fn residual_add_inplace(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let stride = nwg.x * WG;
  for (var i = gid.x; i < p.total; i += stride) {
    acc[i] = acc[i] + y[i];
  }
}
