// Mean squared error with an optional 0/1 (or weighting) mask m:
//   loss = Σ m·(pred − truth)² / Σ m   (m ≡ 1 without a mask: the mean over all elements)
//   dpred = seed · 2·m·(pred − truth) / Σ m   (0 when Σ m = 0)
// The forward is a reduction: each workgroup writes (Σ m·d², Σ m) to partials, then one
// workgroup sums those into stats = [loss, Σ m]; the backward reads Σ m from stats.
const RWG: u32 = 256u; // reduction workgroup: 16 groups of 16 lanes, two barriers in all

struct MseParams {
  total: u32,
  partials: u32,  // workgroups of the first pass (= partial pairs written)
  seed: f32,      // backward: d(upstream)/d(loss), 1 for a plain loss
}

@group(0) @binding(0) var<uniform> p: MseParams;
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

/** Sum of `v` over the workgroup, valid in lane 0: 256 → 16 (lanes 0..15 sum 16 each) → 1. */
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
fn mse_partial(@builtin(global_invocation_id) gid: vec3u, @builtin(local_invocation_index) lid: u32,
               @builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  var s = 0.0;
  for (var i = gid.x; i < p.total; i += nwg.x * RWG) {
    let d = pred[i] - truth[i];
    s += d * d;
  }
  let sum = workgroup_sum(lid, vec2f(s, 0.0));
  if (lid == 0u) {
    // Counts as f32 in the second lane of workgroup 0 only: exact below 2^24 elements.
    partials[wid.x] = vec2f(sum.x, select(0.0, f32(p.total), wid.x == 0u));
  }
}

@compute @workgroup_size(RWG)
fn mse_partial_masked(@builtin(global_invocation_id) gid: vec3u, @builtin(local_invocation_index) lid: u32,
                      @builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  var s = vec2f(0.0);
  for (var i = gid.x; i < p.total; i += nwg.x * RWG) {
    let d = pred[i] - truth[i];
    s += vec2f(mask[i] * d * d, mask[i]);
  }
  let sum = workgroup_sum(lid, s);
  if (lid == 0u) {
    partials[wid.x] = sum;
  }
}

@compute @workgroup_size(RWG)
fn mse_finalize(@builtin(local_invocation_index) lid: u32) {
  var s = vec2f(0.0);
  for (var k = lid; k < p.partials; k += RWG) {
    s += partials_in[k];
  }
  let sum = workgroup_sum(lid, s);
  if (lid == 0u) {
    stats[0] = select(0.0, sum.x / sum.y, sum.y != 0.0);
    stats[1] = sum.y;
  }
}

@compute @workgroup_size(RWG)
fn mse_backward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let w = stats_in[1];
  let k = select(0.0, 2.0 * p.seed / w, w != 0.0);
  for (var i = gid.x; i < p.total; i += nwg.x * RWG) {
    dpred[i] = k * (pred[i] - truth[i]);
  }
}

@compute @workgroup_size(RWG)
fn mse_backward_masked(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let w = stats_in[1];
  let k = select(0.0, 2.0 * p.seed / w, w != 0.0);
  for (var i = gid.x; i < p.total; i += nwg.x * RWG) {
    dpred[i] = k * mask[i] * (pred[i] - truth[i]);
  }
}
