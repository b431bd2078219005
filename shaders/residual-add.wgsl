// Residual add: out = x + y, or in place acc += y; all flat f32 arrays of `total` elements.
// The *_vec4 entries cover the first ⌊total/4⌋·4 elements as vec4 (4× fewer loads per lane, which
// helps CPU drivers and GPUs alike); the scalar entries cover [first, total) — the tail, or all.
override WG: u32 = 256;

struct ResidualAddParams {
  total: u32,
  first: u32, // scalar entries start here
}

@group(0) @binding(0) var<uniform> p: ResidualAddParams;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> y: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
@group(0) @binding(4) var<storage, read_write> acc: array<f32>;
@group(0) @binding(5) var<storage, read> x4: array<vec4f>;
@group(0) @binding(6) var<storage, read> y4: array<vec4f>;
@group(0) @binding(7) var<storage, read_write> out4: array<vec4f>;
@group(0) @binding(8) var<storage, read_write> acc4: array<vec4f>;

@compute @workgroup_size(WG)
fn residual_add(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  for (var i = p.first + gid.x; i < p.total; i += nwg.x * WG) {
    out[i] = x[i] + y[i];
  }
}

@compute @workgroup_size(WG)
fn residual_add_vec4(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  for (var i = gid.x; i < p.total / 4u; i += nwg.x * WG) {
    out4[i] = x4[i] + y4[i];
  }
}

@compute @workgroup_size(WG)
fn residual_add_inplace(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  for (var i = p.first + gid.x; i < p.total; i += nwg.x * WG) {
    acc[i] = acc[i] + y[i];
  }
}

@compute @workgroup_size(WG)
fn residual_add_inplace_vec4(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  for (var i = gid.x; i < p.total / 4u; i += nwg.x * WG) {
    acc4[i] = acc4[i] + y4[i];
  }
}
