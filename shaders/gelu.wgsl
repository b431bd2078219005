// GELU with GPT-2's tanh approximation (Hendrycks & Gimpel 2016, §2; as in llm.c):
//   gelu(x)  = ½·x·(1 + tanh(u)),  u = √(2/π)·(x + 0.044715·x³)
//   gelu'(x) = ½·(1 + tanh(u)) + ½·x·(1 − tanh²(u))·√(2/π)·(1 + 3·0.044715·x²)
// forward: y = gelu(x); backward: dx = dy·gelu'(x). Flat f32 arrays, grid-stride loops; *_vec4
// entries cover the first ⌊total/4⌋·4 values, scalar entries [first, total).
override WG: u32 = 256;

const SQRT_2_OVER_PI: f32 = 0.7978845608028654;
const K: f32 = 0.044715;

struct GeluParams {
  total: u32,
  first: u32, // scalar entries start here
}

@group(0) @binding(0) var<uniform> p: GeluParams;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<storage, read> dy: array<f32>;
@group(0) @binding(4) var<storage, read_write> dx: array<f32>;
@group(0) @binding(5) var<storage, read> x4: array<vec4f>;
@group(0) @binding(6) var<storage, read_write> y4: array<vec4f>;
@group(0) @binding(7) var<storage, read> dy4: array<vec4f>;
@group(0) @binding(8) var<storage, read_write> dx4: array<vec4f>;

/** tanh from exp(−2|u|) ∈ (0, 1]: never overflows (some drivers' tanh gives NaN for large |u|). */
fn tanh_stable(u: vec4f) -> vec4f {
  let e = exp(-2.0 * abs(u));
  return sign(u) * (1.0 - e) / (1.0 + e);
}

fn gelu(v: vec4f) -> vec4f {
  return 0.5 * v * (1.0 + tanh_stable(SQRT_2_OVER_PI * (v + K * v * v * v)));
}

fn gelu_grad(v: vec4f) -> vec4f {
  let t = tanh_stable(SQRT_2_OVER_PI * (v + K * v * v * v));
  let du = SQRT_2_OVER_PI * (1.0 + 3.0 * K * v * v);
  return 0.5 * (1.0 + t) + 0.5 * v * (1.0 - t * t) * du;
}

@compute @workgroup_size(WG)
fn gelu_forward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  for (var i = p.first + gid.x; i < p.total; i += nwg.x * WG) {
    y[i] = gelu(vec4f(x[i])).x;
  }
}

@compute @workgroup_size(WG)
fn gelu_forward_vec4(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  for (var i = gid.x; i < p.total / 4u; i += nwg.x * WG) {
    y4[i] = gelu(x4[i]);
  }
}

@compute @workgroup_size(WG)
fn gelu_backward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  for (var i = p.first + gid.x; i < p.total; i += nwg.x * WG) {
    dx[i] = dy[i] * gelu_grad(vec4f(x[i])).x;
  }
}

@compute @workgroup_size(WG)
fn gelu_backward_vec4(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  for (var i = gid.x; i < p.total / 4u; i += nwg.x * WG) {
    dx4[i] = dy4[i] * gelu_grad(x4[i]);
  }
}
