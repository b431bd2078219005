// Pinball (quantile) loss of Q quantile forecasts per row, over the rows a mask keeps:
//   loss = Σ_i m_i Σ_q ρ_τq(t_i − p_iq) / (Q · Σ_i m_i),  ρ_τ(u) = u·(τ − 1[u < 0])
//   dp_iq = seed · m_i · (1[t_i < p_iq] − τ_q) / (Q · Σ m)   (0 when Σ m = 0)
// pred is [rows, Q] row-major; target and mask are [rows]. As in mse.wgsl, the forward is a
// two-pass reduction into stats = [loss, Σ m] and the backward reads Σ m from those stats.
const RWG: u32 = 256u;

struct PinballParams {
  rows: u32,
  partials: u32,
  quantiles: u32,  // Q ≤ 4
  seed: f32,
  tau0: f32,       // τ_q for q < Q; the rest unused
  tau1: f32,
  tau2: f32,
  tau3: f32,
}

fn taus() -> vec4f {
  return vec4f(p.tau0, p.tau1, p.tau2, p.tau3);
}

@group(0) @binding(0) var<uniform> p: PinballParams;
@group(0) @binding(1) var<storage, read> pred: array<f32>;
@group(0) @binding(2) var<storage, read> truth: array<f32>;
@group(0) @binding(3) var<storage, read> mask: array<f32>;
@group(0) @binding(4) var<storage, read_write> partials: array<vec2f>;
@group(0) @binding(5) var<storage, read> partials_in: array<vec2f>;
@group(0) @binding(6) var<storage, read_write> stats: array<f32>;
@group(0) @binding(7) var<storage, read> stats_in: array<f32>;
@group(0) @binding(8) var<storage, read_write> dpred: array<f32>;

var<workgroup> lanes: array<vec2f, RWG>;
var<workgroup> groups16: array<vec2f, 16>;

fn workgroup_sum(lid: u32, v: vec2f) -> vec2f {
  lanes[lid] = v;
  workgroupBarrier();
  if (lid < 16u) {
    var s = vec2f(0.0);
    for (var k = 0u; k < 16u; k++) {
      s += lanes[lid * 16u + k];
    }
    groups16[lid] = s;
  }
  workgroupBarrier();
  var total = vec2f(0.0);
  if (lid == 0u) {
    for (var k = 0u; k < 16u; k++) {
      total += groups16[k];
    }
  }
  return total;
}

@compute @workgroup_size(RWG)
fn pinball_partial(@builtin(global_invocation_id) gid: vec3u, @builtin(local_invocation_index) lid: u32,
                   @builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  var s = vec2f(0.0);
  for (var i = gid.x; i < p.rows; i += nwg.x * RWG) {
    let m = mask[i];
    if (m != 0.0) {
      var row = 0.0;
      let tau = taus();
      for (var q = 0u; q < p.quantiles; q++) {
        let u = truth[i] - pred[i * p.quantiles + q];
        row += u * (tau[q] - select(0.0, 1.0, u < 0.0));
      }
      s += vec2f(m * row, m);
    }
  }
  let sum = workgroup_sum(lid, s);
  if (lid == 0u) {
    partials[wid.x] = sum;
  }
}

@compute @workgroup_size(RWG)
fn pinball_finalize(@builtin(local_invocation_index) lid: u32) {
  var s = vec2f(0.0);
  for (var k = lid; k < p.partials; k += RWG) {
    s += partials_in[k];
  }
  let sum = workgroup_sum(lid, s);
  if (lid == 0u) {
    stats[0] = select(0.0, sum.x / (sum.y * f32(p.quantiles)), sum.y != 0.0);
    stats[1] = sum.y;
  }
}

@compute @workgroup_size(RWG)
fn pinball_backward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let w = stats_in[1];
  let k = select(0.0, p.seed / (w * f32(p.quantiles)), w != 0.0);
  let total = p.rows * p.quantiles;
  let taus = taus();
  for (var j = gid.x; j < total; j += nwg.x * RWG) {
    let i = j / p.quantiles;
    let tau = taus[j % p.quantiles];
    dpred[j] = k * mask[i] * (select(0.0, 1.0, truth[i] < pred[j]) - tau);
  }
}
