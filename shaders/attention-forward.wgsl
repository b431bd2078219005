// Blockwise attention forward: `fold` adds one K/V block to a Q block's online-softmax state
// (m, l, acc) and `finalize` turns the state into O and the log-sum-exp.
// Online softmax as in FlashAttention-2 (Dao 2023): scores are kept in log2 units (s·scale·log2 e)
// so exp is exp2. Each invocation owns R query rows of one head and walks the keys 4 at a time
// with vec4 dot products: K/V are read straight from storage (cache-resident on CPU adapters; on
// GPUs all lanes of a subgroup read the same key, a broadcast) and there are no barriers.
// Layout: q/k/v/acc/o `[rows, H, D]` f32 as vec4 (D4 = D/4 per row and head); m/l/lse `[rows, H]`.

// NOTE: loop-local arrays are zeroed explicitly (`array<vec4f, 4>()`): declared without an
// initialiser they kept the previous iteration's values on llvmpipe (Mesa 25.0.7).

override H: u32 = 1u;
const D4: u32 = 8u;               // head dim / 4 (the host substitutes its value)
override CAUSAL: bool = true;
override SCALE_LOG2: f32 = 0.255; // softmax scale · log2(e)
override WG: u32 = 64u;

const R: u32 = 4u;                // query rows per invocation (the host substitutes its value)
const PAD: u32 = 0xffffffffu;
const NEG: f32 = -1e30;           // stands for −∞ (finite: WGSL may assume finite math)
const LN2: f32 = 0.6931471805599453;

// Q, K and V are stored as QKV: vec4f here. attention-pipelines.ts builds the f16-storage variant
// by enabling f16 and replacing this line with `alias QKV = vec4h;`; every load widens to vec4f,
// so all arithmetic stays f32.
alias QKV = vec4f;

struct Params {
  q_rows: u32,
  k_rows: u32,
  q_offset: u32,
  k_offset: u32,
  q_seg: u32,                     // query rows per segment: no workgroup spans two (see group_rows)
  k_seg: u32,                     // key rows per segment (the backward's dK/dV groups; unused here)
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> q: array<QKV>;
@group(0) @binding(2) var<storage, read> q_pos: array<u32>;
@group(0) @binding(3) var<storage, read> k: array<QKV>;
@group(0) @binding(4) var<storage, read> v: array<QKV>;
@group(0) @binding(5) var<storage, read> k_pos: array<u32>;
@group(0) @binding(6) var<storage, read_write> m_state: array<f32>;
@group(0) @binding(7) var<storage, read_write> l_state: array<f32>;
@group(0) @binding(8) var<storage, read_write> acc_state: array<vec4f>;
@group(0) @binding(9) var<storage, read_write> o: array<vec4f>;
@group(0) @binding(10) var<storage, read_write> lse: array<f32>;

fn max4(x: vec4f) -> f32 {
  return max(max(x.x, x.y), max(x.z, x.w));
}

// Mask of the 4 keys starting at key row `j` (absolute index) for query position `qp`.
fn key_mask(kp: vec4<u32>, qp: u32) -> vec4<bool> {
  var ok = (kp != vec4<u32>(PAD)) & vec4<bool>(qp != PAD);
  if (CAUSAL) {
    ok = ok & (kp <= vec4<u32>(qp));
  }
  return ok;
}

// Positions of key rows j..j+3 (PAD past the block). Loads sit outside any `if`: llvmpipe turns a
// load under control flow into per-lane gathers even when its address is uniform.
fn load_kpos(j: u32) -> vec4<u32> {
  var kp: vec4<u32>;
  for (var c = 0u; c < 4u; c++) {
    let p = k_pos[params.k_offset + min(j + c, params.k_rows - 1u)];
    kp[c] = select(PAD, p, j + c < params.k_rows);
  }
  return kp;
}

// One past the last key row that any query of the workgroup (largest position `wg_max`) may see:
// every key after it is padded or, when causal, in the future of all of them. Correct for any key
// order; for the usual ascending positions (contiguous, zigzag, striped) the scan only walks the
// masked tail, and the key loop then has no data-dependent branch.
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

// Rows [first, end) of row group `group` when no group spans two segments of `seg` rows (a ring
// rank's rows are its layout segments, not contiguous in position): a group straddling the end of
// an early segment took the key range of the late one for all its rows, and the ring forward at
// T = 8,760, R = 4 (1,095-row segments) measured 14–28 % over one device against −1–3 % at
// T = 8,448 (segments of a whole number of groups); 3 % at T = 8,760 with this (docs/ring.md).
fn group_rows(group: u32, seg: u32, rows: u32) -> vec2<u32> {
  let per = (seg + WG * R - 1u) / (WG * R);
  let s = group / per;
  let first = s * seg + (group % per) * WG * R;
  return vec2<u32>(first, min(min(first + WG * R, s * seg + seg), rows));
}

// Largest unpadded query position among the rows [g.x, g.y). Every invocation computes it from
// the same addresses, so it is workgroup-uniform without a barrier, and so is the key range.
fn group_max_qpos(g: vec2<u32>) -> u32 {
  var mx = 0u;
  for (var r = g.x; r < g.y; r++) {
    let p = q_pos[params.q_offset + r];
    mx = max(mx, select(p, 0u, p == PAD));
  }
  return mx;
}

// a·b + acc as a chain of fused multiply-adds (dot() is 4 multiplies and 3 adds on llvmpipe).
fn dot_acc(a: vec4f, b: vec4f, acc: f32) -> f32 {
  return fma(a.x, b.x, fma(a.y, b.y, fma(a.z, b.z, fma(a.w, b.w, acc))));
}

@compute @workgroup_size(WG)
fn fold(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
       @builtin(local_invocation_index) lid: u32) {
  let h = wid.y;                  // workgroup_id, not global_invocation_id: it must be known uniform
  // Row groups in reverse: under a causal mask the last queries see the most keys, and running
  // the heaviest workgroups first leaves the light ones to fill the dispatch's tail.
  let g = group_rows(nwg.x - 1u - wid.x, params.q_seg, params.q_rows);
  let base = g.x + lid * R;
  var qv: array<vec4f, R * D4>;
  var acc: array<vec4f, R * D4>;
  var qp: array<u32, R>;
  var m: array<f32, R>;
  var l: array<f32, R>;
  for (var i = 0u; i < R; i++) {
    // Rows past the group are masked (PAD) and never written; past the block they are also clamped
    // for loading (no early return keeps the control flow uniform).
    let r = min(base + i, params.q_rows - 1u);
    let sr = (params.q_offset + r) * H + h;
    qp[i] = select(PAD, q_pos[params.q_offset + r], base + i < g.y);
    m[i] = m_state[sr];
    l[i] = l_state[sr];
    for (var d = 0u; d < D4; d++) {
      qv[i * D4 + d] = vec4f(q[sr * D4 + d]) * SCALE_LOG2;
      acc[i * D4 + d] = acc_state[sr * D4 + d];
    }
  }
  let wg_max = group_max_qpos(g);
  let end = key_end(wg_max);
  for (var j = 0u; j < end; j += 4u) {
    let kp = load_kpos(j);
    let jc = min(vec4<u32>(j) + vec4<u32>(0u, 1u, 2u, 3u), vec4<u32>(params.k_rows - 1u));
    let kb = (vec4<u32>(params.k_offset) + jc) * H + vec4<u32>(h);
    // s[i][c] = q_i · k_c (already scaled into log2 units)
    var s = array<vec4f, R>();
    for (var d = 0u; d < D4; d++) {
      let k0 = vec4f(k[kb.x * D4 + d]);
      let k1 = vec4f(k[kb.y * D4 + d]);
      let k2 = vec4f(k[kb.z * D4 + d]);
      let k3 = vec4f(k[kb.w * D4 + d]);
      for (var i = 0u; i < R; i++) {
        let x = qv[i * D4 + d];
        let a = s[i];
        s[i] = vec4f(dot_acc(x, k0, a.x), dot_acc(x, k1, a.y), dot_acc(x, k2, a.z), dot_acc(x, k3, a.w));
      }
    }
    var p = array<vec4f, R>();
    var alpha: array<f32, R>;
    for (var i = 0u; i < R; i++) {
      let ok = key_mask(kp, qp[i]);
      let si = select(vec4f(NEG), s[i], ok);
      let m_new = max(m[i], max4(si));
      alpha[i] = exp2(m[i] - m_new);
      p[i] = select(vec4f(0.0), exp2(si - vec4f(m_new)), ok);
      l[i] = l[i] * alpha[i] + dot(p[i], vec4f(1.0));
      m[i] = m_new;
    }
    for (var d = 0u; d < D4; d++) {
      let v0 = vec4f(v[kb.x * D4 + d]);
      let v1 = vec4f(v[kb.y * D4 + d]);
      let v2 = vec4f(v[kb.z * D4 + d]);
      let v3 = vec4f(v[kb.w * D4 + d]);
      for (var i = 0u; i < R; i++) {
        let pi = p[i];
        let a = acc[i * D4 + d] * alpha[i];
        acc[i * D4 + d] = fma(vec4f(pi.x), v0, fma(vec4f(pi.y), v1, fma(vec4f(pi.z), v2, fma(vec4f(pi.w), v3, a))));
      }
    }
  }
  for (var i = 0u; i < R; i++) {
    if (base + i < g.y) {
      let sr = (params.q_offset + base + i) * H + h;
      m_state[sr] = m[i];
      l_state[sr] = l[i];
      for (var d = 0u; d < D4; d++) {
        acc_state[sr * D4 + d] = acc[i * D4 + d];
      }
    }
  }
}

// o = acc / l and lse = (m + log2 l)·ln 2 per (row, head); rows with l = 0 (no unmasked key) get
// o = 0 and lse = NEG.
@compute @workgroup_size(WG)
fn finalize(@builtin(global_invocation_id) gid: vec3<u32>) {
  let idx = gid.x;                // row * H + head
  if (idx >= params.q_rows * H) {
    return;
  }
  let sr = params.q_offset * H + idx;
  let l = l_state[sr];
  let has = l > 0.0;
  let inv = select(0.0, 1.0 / l, has);
  for (var d = 0u; d < D4; d++) {
    o[sr * D4 + d] = acc_state[sr * D4 + d] * inv;
  }
  lse[sr] = select(NEG, (m_state[sr] + log2(max(l, 1e-30))) * LN2, has);
}
