// AdamW step in place (Loshchilov & Hutter 2019, decoupled weight decay; as torch.optim.AdamW):
//   p ← p − lr·wd·p;  m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²
//   p ← p − lr · (m / bc1) / (√(v / bc2) + eps),   bc1 = 1 − β1^t, bc2 = 1 − β2^t (host, f64)
// param, grad, m, v: flat f32 arrays of `total` elements; grid-stride loop.
override WG: u32 = 256;

struct AdamWParams {
  total: u32,
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

@compute @workgroup_size(WG)
fn adamw_step(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  for (var i = gid.x; i < p.total; i += nwg.x * WG) {
    let g = grad[i];
    let m1 = p.beta1 * m[i] + (1.0 - p.beta1) * g;
    let v1 = p.beta2 * v[i] + (1.0 - p.beta2) * g * g;
    m[i] = m1;
    v[i] = v1;
    let decayed = param[i] * (1.0 - p.lr * p.weight_decay);
    param[i] = decayed - p.lr * (m1 / p.bias_correction1) / (sqrt(v1 / p.bias_correction2) + p.eps);
  }
}
