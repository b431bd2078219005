// GELU with GPT-2's tanh approximation (Hendrycks & Gimpel 2016, eq. in §2; as in llm.c):
//   gelu(x)  = ½·x·(1 + tanh(u)),  u = √(2/π)·(x + 0.044715·x³)
//   gelu'(x) = ½·(1 + tanh(u)) + ½·x·(1 − tanh²(u))·√(2/π)·(1 + 3·0.044715·x²)
// forward: y = gelu(x); backward: dx = dy·gelu'(x). Flat f32 arrays, grid-stride loop.
override WG: u32 = 256;

const SQRT_2_OVER_PI: f32 = 0.7978845608028654;
const K: f32 = 0.044715;

struct GeluParams {
  total: u32,
}

@group(0) @binding(0) var<uniform> p: GeluParams;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<storage, read> dy: array<f32>;
@group(0) @binding(4) var<storage, read_write> dx: array<f32>;

/** tanh from exp(−2|u|) ∈ (0, 1]: never overflows (some drivers' tanh gives NaN for large |u|). */
fn tanh_stable(u: f32) -> f32 {
  let e = exp(-2.0 * abs(u));
  return sign(u) * (1.0 - e) / (1.0 + e);
}

@compute @workgroup_size(WG)
fn gelu_forward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let stride = nwg.x * WG;
  for (var i = gid.x; i < p.total; i += stride) {
    let v = x[i];
    let t = tanh_stable(SQRT_2_OVER_PI * (v + K * v * v * v));
    y[i] = 0.5 * v * (1.0 + t);
  }
}

@compute @workgroup_size(WG)
fn gelu_backward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let stride = nwg.x * WG;
  for (var i = gid.x; i < p.total; i += stride) {
    let v = x[i];
    let t = tanh_stable(SQRT_2_OVER_PI * (v + K * v * v * v));
    let du = SQRT_2_OVER_PI * (1.0 + 3.0 * K * v * v);
    dx[i] = dy[i] * (0.5 * (1.0 + t) + 0.5 * v * (1.0 - t * t) * du);
  }
}
