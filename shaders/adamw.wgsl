// AdamW step in place (Loshchilov & Hutter 2019, decoupled weight decay; as torch.optim.AdamW):
//   p ← p − lr·wd·p;  m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²
//   p ← p − lr · (m / bc1) / (√(v / bc2) + eps),   bc1 = 1 − β1^t, bc2 = 1 − β2^t (host, f64)
// param, grad, m, v: flat f32 arrays of `total` elements; grid-stride loops. adamw_step_vec4
// covers the first ⌊total/4⌋·4 values, adamw_step [first, total).
override WG: u32 = 256;

struct AdamWParams {
  total: u32,
  first: u32, // scalar entry starts here
  lr: f32,
  beta1: f32,
  beta2: f32,
  eps: f32,
  weight_decay: f32,
  bias_correction1: f32,
  bias_correction2: f32,
}

@group(0) @binding(0) var<uniform> p: AdamWParams;
@group(0) @binding(1) var<storage, read_write> param: array<f32>;
@group(0) @binding(2) var<storage, read> grad: array<f32>;
@group(0) @binding(3) var<storage, read_write> m: array<f32>;
@group(0) @binding(4) var<storage, read_write> v: array<f32>;
@group(0) @binding(5) var<storage, read_write> param4: array<vec4f>;
@group(0) @binding(6) var<storage, read> grad4: array<vec4f>;
@group(0) @binding(7) var<storage, read_write> m4: array<vec4f>;
@group(0) @binding(8) var<storage, read_write> v4: array<vec4f>;

struct Moments {
  param: vec4f,
  m: vec4f,
  v: vec4f,
}

fn adamw(param0: vec4f, g: vec4f, m0: vec4f, v0: vec4f) -> Moments {
  let m1 = p.beta1 * m0 + (1.0 - p.beta1) * g;
  let v1 = p.beta2 * v0 + (1.0 - p.beta2) * g * g;
  let decayed = param0 * (1.0 - p.lr * p.weight_decay);
  let step = p.lr * (m1 / p.bias_correction1) / (sqrt(v1 / p.bias_correction2) + p.eps);
  return Moments(decayed - step, m1, v1);
}

@compute @workgroup_size(WG)
fn adamw_step(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  for (var i = p.first + gid.x; i < p.total; i += nwg.x * WG) {
    let r = adamw(vec4f(param[i]), vec4f(grad[i]), vec4f(m[i]), vec4f(v[i]));
    param[i] = r.param.x;
    m[i] = r.m.x;
    v[i] = r.v.x;
  }
}

@compute @workgroup_size(WG)
fn adamw_step_vec4(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  for (var i = gid.x; i < p.total / 4u; i += nwg.x * WG) {
    let r = adamw(param4[i], grad4[i], m4[i], v4[i]);
    param4[i] = r.param;
    m4[i] = r.m;
    v4[i] = r.v;
  }
}
