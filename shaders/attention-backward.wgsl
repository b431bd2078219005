// Blockwise attention backward (FlashAttention-2, Dao 2023, alg. 2) without atomics:
// `prep` computes delta = rowsum(dO∘O); `dkdv` owns R key rows and walks the queries; `dq` owns R
// query rows and walks the keys. Both recompute P = exp2(S·scale·log2 e − lse·log2 e) from Q, K
// and the forward's lse, and accumulate (+=) into dq / dk / dv so a ring can add block by block.
// Layout: q/k/v/dO/o/dq/dk/dv `[rows, H, D]` f32 as vec4 (D4 per row and head); lse/delta `[rows, H]`.
// The host unrolls every `for (var d = 0u; d < D4; d++)` loop (attention-pipelines.ts): the
// private arrays indexed by d then live in registers instead of per-lane gathers on llvmpipe.

// NOTE: loop-local arrays are zeroed explicitly (`array<vec4f, 4>()`): declared without an
// initialiser they kept the previous iteration's values on llvmpipe (Mesa 25.0.7).

override H: u32 = 1u;
const D4: u32 = 8u;               // head dim / 4 (the host substitutes its value)
override CAUSAL: bool = true;
override SCALE: f32 = 0.177;      // softmax scale
override SCALE_LOG2: f32 = 0.255; // scale · log2(e)
override WG: u32 = 64u;

const R: u32 = 2u;                // owned rows per invocation (the host substitutes its value,
                                  // per entry point: dkdv and dq_rows compile from separate texts)
const PAD: u32 = 0xffffffffu;
const LOG2E: f32 = 1.4426950408889634;

// Q, K and V are stored as QKV: vec4f here. attention-pipelines.ts builds the f16-storage variant
// by enabling f16 and replacing this line with `alias QKV = vec4h;`; every load widens to vec4f,
// so all arithmetic stays f32.
alias QKV = vec4f;

struct Params {
  q_rows: u32,
  k_rows: u32,
  q_offset: u32,
  k_offset: u32,
  q_seg: u32,                     // query rows per segment: no dq_rows group spans two (group_rows)
  k_seg: u32,                     // key rows per segment: no dkdv group spans two
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> q: array<QKV>;
@group(0) @binding(2) var<storage, read> q_pos: array<u32>;
@group(0) @binding(3) var<storage, read> k: array<QKV>;
@group(0) @binding(4) var<storage, read> v: array<QKV>;
@group(0) @binding(5) var<storage, read> k_pos: array<u32>;
@group(0) @binding(6) var<storage, read> d_o: array<vec4f>;
@group(0) @binding(7) var<storage, read> lse: array<f32>;
@group(0) @binding(8) var<storage, read_write> delta: array<f32>;
@group(0) @binding(9) var<storage, read_write> dq: array<vec4f>;
@group(0) @binding(10) var<storage, read_write> dk: array<vec4f>;
@group(0) @binding(11) var<storage, read_write> dv: array<vec4f>;
@group(0) @binding(12) var<storage, read> o: array<vec4f>;

// Valid (query, key) pairs: neither padded, and key pos <= query pos when causal.
fn pair_mask(qp: vec4<u32>, kp: u32) -> vec4<bool> {
  var ok = (qp != vec4<u32>(PAD)) & vec4<bool>(kp != PAD);
  if (CAUSAL) {
    ok = ok & (vec4<u32>(kp) <= qp);
  }
  return ok;
}

// Valid pairs of one query and 4 keys (same rule as pair_mask).
fn key_mask(kp: vec4<u32>, qp: u32) -> vec4<bool> {
  var ok = (kp != vec4<u32>(PAD)) & vec4<bool>(qp != PAD);
  if (CAUSAL) {
    ok = ok & (kp <= vec4<u32>(qp));
  }
  return ok;
}

// Positions of rows j..j+3 of the Q or K block (PAD past its end). Loads sit outside any `if`:
// llvmpipe turns a load under control flow into per-lane gathers even when its address is uniform.
fn load_qpos(j: u32) -> vec4<u32> {
  var p: vec4<u32>;
  for (var c = 0u; c < 4u; c++) {
    let x = q_pos[params.q_offset + min(j + c, params.q_rows - 1u)];
    p[c] = select(PAD, x, j + c < params.q_rows);
  }
  return p;
}

fn load_kpos(j: u32) -> vec4<u32> {
  var p: vec4<u32>;
  for (var c = 0u; c < 4u; c++) {
    let x = k_pos[params.k_offset + min(j + c, params.k_rows - 1u)];
    p[c] = select(PAD, x, j + c < params.k_rows);
  }
  return p;
}

// One past the last key row any query of the workgroup (largest position `wg_max`) may see; keys
// after it are padded or, when causal, in everyone's future. Correct for any key order.
fn key_end(wg_max: u32) -> u32 {
  var end = params.k_rows;
  loop {
    let p = k_pos[params.k_offset + max(end, 1u) - 1u];
    let masked = p == PAD || (CAUSAL && p > wg_max);
    if (end == 0u || !masked) {
      break;
    }
    end -= 1u;
  }
  return end;
}

// Range [start, end) of query rows that may see any key of the workgroup (smallest key position
// `wg_min`): queries before it are, when causal, all earlier than every key; after it, padded.
fn query_range(wg_min: u32) -> vec2<u32> {
  var end = params.q_rows;
  loop {
    let p = q_pos[params.q_offset + max(end, 1u) - 1u];
    if (end == 0u || p != PAD) {
      break;
    }
    end -= 1u;
  }
  var start = 0u;
  if (CAUSAL) {
    loop {
      let p = q_pos[params.q_offset + min(start, params.q_rows - 1u)];
      if (start >= end || p >= wg_min) {
        break;
      }
      start += 1u;
    }
  }
  return vec2<u32>(start, end);
}

// a·b + acc as a chain of fused multiply-adds (dot() is 4 multiplies and 3 adds on llvmpipe).
fn dot_acc(a: vec4f, b: vec4f, acc: f32) -> f32 {
  return fma(a.x, b.x, fma(a.y, b.y, fma(a.z, b.z, fma(a.w, b.w, acc))));
}

// Σ_c w[c]·x_c + acc over 4 rows as fused multiply-adds.
fn comb_acc(w: vec4f, x0: vec4f, x1: vec4f, x2: vec4f, x3: vec4f, acc: vec4f) -> vec4f {
  return fma(vec4f(w.x), x0, fma(vec4f(w.y), x1, fma(vec4f(w.z), x2, fma(vec4f(w.w), x3, acc))));
}

@compute @workgroup_size(WG)
fn prep(@builtin(global_invocation_id) gid: vec3<u32>) {
  let idx = gid.x;                // row * H + head
  if (idx >= params.q_rows * H) {
    return;
  }
  let sr = params.q_offset * H + idx;
  var s = 0.0;
  for (var d = 0u; d < D4; d++) {
    s += dot(d_o[sr * D4 + d], o[sr * D4 + d]);
  }
  delta[sr] = s;
}

// Rows [first, end) of row group `group` when no group spans two segments of `seg` rows: a ring
// rank's rows are its layout segments, and a group straddling two took the row range of both for
// all its rows (the same rule as attention-forward.wgsl's group_rows).
fn group_rows(group: u32, seg: u32, rows: u32) -> vec2<u32> {
  let per = (seg + WG * R - 1u) / (WG * R);
  let s = group / per;
  let first = s * seg + (group % per) * WG * R;
  return vec2<u32>(first, min(min(first + WG * R, s * seg + seg), rows));
}

// Bounds of the positions among a workgroup's rows [g.x, g.y). Every invocation computes them
// from the same addresses, so they (and the walked row ranges) are workgroup-uniform without a
// barrier.
fn group_min_kpos(g: vec2<u32>) -> u32 {
  var mn = PAD;
  for (var r = g.x; r < g.y; r++) {
    mn = min(mn, k_pos[params.k_offset + r]);
  }
  return mn;
}

fn group_max_qpos(g: vec2<u32>) -> u32 {
  var mx = 0u;
  for (var r = g.x; r < g.y; r++) {
    let p = q_pos[params.q_offset + r];
    mx = max(mx, select(p, 0u, p == PAD));
  }
  return mx;
}

// Owner of keys: dv_i += Σ_q p·dO, dk_i += scale·Σ_q ds·q with ds = p·(dO·v_i − delta).
@compute @workgroup_size(WG)
fn dkdv(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let h = wid.y;                  // workgroup_id, not global_invocation_id: it must be known uniform
  let g = group_rows(wid.x, params.k_seg, params.k_rows);
  let base = g.x + lid * R;
  var kk: array<vec4f, R * D4>;
  var vv: array<vec4f, R * D4>;
  var gk = array<vec4f, R * D4>();
  var gv = array<vec4f, R * D4>();
  var kp: array<u32, R>;
  for (var i = 0u; i < R; i++) {
    // Rows past the group are masked (PAD) and never written; past the block they are also clamped
    // for loading (no early return keeps the control flow uniform).
    kp[i] = select(PAD, k_pos[params.k_offset + min(base + i, params.k_rows - 1u)], base + i < g.y);
    let r = (params.k_offset + min(base + i, params.k_rows - 1u)) * H + h;
    for (var d = 0u; d < D4; d++) {
      kk[i * D4 + d] = vec4f(k[r * D4 + d]) * SCALE_LOG2;
      vv[i * D4 + d] = vec4f(v[r * D4 + d]);
    }
  }
  let wg_min_kp = group_min_kpos(g);
  let range = query_range(wg_min_kp);
  for (var j = range.x; j < range.y; j += 4u) {
    let qp = load_qpos(j);
    let jc = min(vec4<u32>(j) + vec4<u32>(0u, 1u, 2u, 3u), vec4<u32>(params.q_rows - 1u));
    let qb = (vec4<u32>(params.q_offset) + jc) * H + vec4<u32>(h);
    let lse2 = vec4f(lse[qb.x], lse[qb.y], lse[qb.z], lse[qb.w]) * LOG2E;
    let dl = vec4f(delta[qb.x], delta[qb.y], delta[qb.z], delta[qb.w]);
    // The 4 queries' Q and dO rows, loaded once: on llvmpipe every storage load is a
    // bounds-checked scalar load per component, a private array is plain memory.
    var qc: array<vec4f, 4 * D4>;
    var gc: array<vec4f, 4 * D4>;
    for (var d = 0u; d < D4; d++) {
      qc[d] = vec4f(q[qb.x * D4 + d]);
      qc[D4 + d] = vec4f(q[qb.y * D4 + d]);
      qc[2u * D4 + d] = vec4f(q[qb.z * D4 + d]);
      qc[3u * D4 + d] = vec4f(q[qb.w * D4 + d]);
      gc[d] = d_o[qb.x * D4 + d];
      gc[D4 + d] = d_o[qb.y * D4 + d];
      gc[2u * D4 + d] = d_o[qb.z * D4 + d];
      gc[3u * D4 + d] = d_o[qb.w * D4 + d];
    }
    var s = array<vec4f, R>();    // [key i] over 4 queries, log2 units
    var dp = array<vec4f, R>();   // [key i] dO_q · v_i
    // Separate loops for s and dp keep fewer accumulators live at once (register pressure).
    for (var d = 0u; d < D4; d++) {
      let q0 = qc[d];
      let q1 = qc[D4 + d];
      let q2 = qc[2u * D4 + d];
      let q3 = qc[3u * D4 + d];
      for (var i = 0u; i < R; i++) {
        let x = kk[i * D4 + d];
        let a = s[i];
        s[i] = vec4f(dot_acc(x, q0, a.x), dot_acc(x, q1, a.y), dot_acc(x, q2, a.z), dot_acc(x, q3, a.w));
      }
    }
    for (var d = 0u; d < D4; d++) {
      let g0 = gc[d];
      let g1 = gc[D4 + d];
      let g2 = gc[2u * D4 + d];
      let g3 = gc[3u * D4 + d];
      for (var i = 0u; i < R; i++) {
        let y = vv[i * D4 + d];
        let a = dp[i];
        dp[i] = vec4f(dot_acc(y, g0, a.x), dot_acc(y, g1, a.y), dot_acc(y, g2, a.z), dot_acc(y, g3, a.w));
      }
    }
    var p = array<vec4f, R>();
    var ds = array<vec4f, R>();
    for (var i = 0u; i < R; i++) {
      p[i] = select(vec4f(0.0), exp2(s[i] - lse2), pair_mask(qp, kp[i]));
      ds[i] = p[i] * (dp[i] - dl);
    }
    for (var d = 0u; d < D4; d++) {
      let g0 = gc[d];
      let g1 = gc[D4 + d];
      let g2 = gc[2u * D4 + d];
      let g3 = gc[3u * D4 + d];
      for (var i = 0u; i < R; i++) {
        gv[i * D4 + d] = comb_acc(p[i], g0, g1, g2, g3, gv[i * D4 + d]);
      }
    }
    for (var d = 0u; d < D4; d++) {
      let q0 = qc[d];
      let q1 = qc[D4 + d];
      let q2 = qc[2u * D4 + d];
      let q3 = qc[3u * D4 + d];
      for (var i = 0u; i < R; i++) {
        gk[i * D4 + d] = comb_acc(ds[i], q0, q1, q2, q3, gk[i * D4 + d]);
      }
    }
  }
  for (var i = 0u; i < R; i++) {
    if (base + i < g.y) {
      let r = (params.k_offset + base + i) * H + h;
      for (var d = 0u; d < D4; d++) {
        dk[r * D4 + d] += gk[i * D4 + d] * SCALE;
        dv[r * D4 + d] += gv[i * D4 + d];
      }
    }
  }
}

// Owner of queries: dq_i += scale·Σ_k ds·k with ds = p·(dO_i·v − delta_i).
@compute @workgroup_size(WG)
fn dq_rows(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
       @builtin(local_invocation_index) lid: u32) {
  let h = wid.y;                  // workgroup_id, not global_invocation_id: it must be known uniform
  // Row groups in reverse: under a causal mask the last queries see the most keys, and running
  // the heaviest workgroups first leaves the light ones to fill the dispatch's tail.
  let g = group_rows(nwg.x - 1u - wid.x, params.q_seg, params.q_rows);
  let base = g.x + lid * R;
  var qv: array<vec4f, R * D4>;
  var gov: array<vec4f, R * D4>;
  var gq = array<vec4f, R * D4>();
  var qp: array<u32, R>;
  var lse2: array<f32, R>;
  var dl: array<f32, R>;
  for (var i = 0u; i < R; i++) {
    let r = (params.q_offset + min(base + i, params.q_rows - 1u)) * H + h;
    qp[i] = select(PAD, q_pos[params.q_offset + min(base + i, params.q_rows - 1u)], base + i < g.y);
    lse2[i] = lse[r] * LOG2E;
    dl[i] = delta[r];
    for (var d = 0u; d < D4; d++) {
      qv[i * D4 + d] = vec4f(q[r * D4 + d]) * SCALE_LOG2;
      gov[i * D4 + d] = d_o[r * D4 + d];
    }
  }
  let wg_max_qp = group_max_qpos(g);
  let end = key_end(wg_max_qp);
  for (var j = 0u; j < end; j += 4u) {
    let kp = load_kpos(j);
    let jc = min(vec4<u32>(j) + vec4<u32>(0u, 1u, 2u, 3u), vec4<u32>(params.k_rows - 1u));
    let kb = (vec4<u32>(params.k_offset) + jc) * H + vec4<u32>(h);
    // The 4 keys' K and V rows, loaded once (see dkdv).
    var kc: array<vec4f, 4 * D4>;
    var vc: array<vec4f, 4 * D4>;
    for (var d = 0u; d < D4; d++) {
      kc[d] = vec4f(k[kb.x * D4 + d]);
      kc[D4 + d] = vec4f(k[kb.y * D4 + d]);
      kc[2u * D4 + d] = vec4f(k[kb.z * D4 + d]);
      kc[3u * D4 + d] = vec4f(k[kb.w * D4 + d]);
      vc[d] = vec4f(v[kb.x * D4 + d]);
      vc[D4 + d] = vec4f(v[kb.y * D4 + d]);
      vc[2u * D4 + d] = vec4f(v[kb.z * D4 + d]);
      vc[3u * D4 + d] = vec4f(v[kb.w * D4 + d]);
    }
    var s = array<vec4f, R>();    // [query i] over 4 keys
    var dp = array<vec4f, R>();
    // Separate loops for s and dp keep fewer accumulators live at once (register pressure).
    for (var d = 0u; d < D4; d++) {
      let k0 = kc[d];
      let k1 = kc[D4 + d];
      let k2 = kc[2u * D4 + d];
      let k3 = kc[3u * D4 + d];
      for (var i = 0u; i < R; i++) {
        let x = qv[i * D4 + d];
        let a = s[i];
        s[i] = vec4f(dot_acc(x, k0, a.x), dot_acc(x, k1, a.y), dot_acc(x, k2, a.z), dot_acc(x, k3, a.w));
      }
    }
    for (var d = 0u; d < D4; d++) {
      let v0 = vc[d];
      let v1 = vc[D4 + d];
      let v2 = vc[2u * D4 + d];
      let v3 = vc[3u * D4 + d];
      for (var i = 0u; i < R; i++) {
        let y = gov[i * D4 + d];
        let a = dp[i];
        dp[i] = vec4f(dot_acc(y, v0, a.x), dot_acc(y, v1, a.y), dot_acc(y, v2, a.z), dot_acc(y, v3, a.w));
      }
    }
    var ds = array<vec4f, R>();
    for (var i = 0u; i < R; i++) {
      let p = select(vec4f(0.0), exp2(s[i] - vec4f(lse2[i])), key_mask(kp, qp[i]));
      ds[i] = p * (dp[i] - vec4f(dl[i]));
    }
    for (var d = 0u; d < D4; d++) {
      let k0 = kc[d];
      let k1 = kc[D4 + d];
      let k2 = kc[2u * D4 + d];
      let k3 = kc[3u * D4 + d];
      for (var i = 0u; i < R; i++) {
        gq[i * D4 + d] = comb_acc(ds[i], k0, k1, k2, k3, gq[i * D4 + d]);
      }
    }
  }
  for (var i = 0u; i < R; i++) {
    if (base + i < g.y) {
      let r = (params.q_offset + base + i) * H + h;
      for (var d = 0u; d < D4; d++) {
        dq[r * D4 + d] += gq[i * D4 + d] * SCALE;
      }
    }
  }
}
