// Global gradient norm over several buffers, and clipping by it (as torch.nn.utils.clip_grad_norm_):
//   pass 1 (per buffer): partials[offset + workgroup] = Σ g² over that workgroup's grid-stride share
//   pass 2 (one workgroup): norm = √(Σ partials), scale = min(1, max_norm / (norm + 1e-6));
//           result = [norm, scale] (scale 1 when max_norm = 0: no clipping)
//   pass 3 (per buffer): g ← g · result[1]
const RWG: u32 = 256u; // reduction workgroup: 16 groups of 16 lanes, two barriers in all

struct GradNormParams {
  total: u32,          // elements of this buffer (passes 1, 3)
  partial_offset: u32, // where this buffer's partials start (pass 1)
  partials: u32,       // partials of all buffers (pass 2)
  max_norm: f32,       // pass 2; 0 = no clipping
}

@group(0) @binding(0) var<uniform> p: GradNormParams;
@group(0) @binding(1) var<storage, read> grad: array<f32>;
@group(0) @binding(2) var<storage, read_write> partials: array<f32>;
@group(0) @binding(3) var<storage, read> partials_in: array<f32>;
@group(0) @binding(4) var<storage, read_write> result: array<f32>;
@group(0) @binding(5) var<storage, read_write> target_grad: array<f32>;
@group(0) @binding(6) var<storage, read> result_in: array<f32>;

var<workgroup> lanes: array<f32, RWG>;
var<workgroup> groups16: array<f32, 16>;

/** Sum of `v` over the workgroup, valid in lane 0: 256 → 16 (lanes 0..15 sum 16 each) → 1. */
fn workgroup_sum(lid: u32, v: f32) -> f32 {
  lanes[lid] = v;
  workgroupBarrier();
  if (lid < 16u) {
    var s = 0.0;
    for (var k = 0u; k < 16u; k++) {
      s += lanes[lid * 16u + k];
    }
    groups16[lid] = s;
  }
  workgroupBarrier();
  var total = 0.0;
  if (lid == 0u) {
    for (var k = 0u; k < 16u; k++) {
      total += groups16[k];
    }
  }
  return total;
}

@compute @workgroup_size(RWG)
fn sumsq_partial(@builtin(global_invocation_id) gid: vec3u, @builtin(local_invocation_index) lid: u32,
                 @builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  var s = 0.0;
  for (var i = gid.x; i < p.total; i += nwg.x * RWG) {
    let g = grad[i];
    s += g * g;
  }
  let sum = workgroup_sum(lid, s);
  if (lid == 0u) {
    partials[p.partial_offset + wid.x] = sum;
  }
}

@compute @workgroup_size(RWG)
fn gradnorm_finalize(@builtin(local_invocation_index) lid: u32) {
  var s = 0.0;
  for (var k = lid; k < p.partials; k += RWG) {
    s += partials_in[k];
  }
  let sum = workgroup_sum(lid, s);
  if (lid == 0u) {
    let norm = sqrt(sum);
    result[0] = norm;
    result[1] = select(1.0, min(1.0, p.max_norm / (norm + 1e-6)), p.max_norm > 0.0);
  }
}

@compute @workgroup_size(RWG)
fn apply_clip_scale(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let scale = result_in[1];
  for (var i = gid.x; i < p.total; i += nwg.x * RWG) {
    target_grad[i] = target_grad[i] * scale;
  }
}
