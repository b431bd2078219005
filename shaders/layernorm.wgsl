// Layer norm over the last axis of x: [rows, cols] row-major f32, one lane per row (no barriers,
// which are costly on CPU drivers; rows are independent). Two-pass variance for stability.
// The *_vec4 entries do the same on vec4 views when cols % 4 == 0 (4× fewer loads per lane).
//   forward:  y = (x − mean)·rstd·gamma + beta, saving mean[row] and rstd[row] = 1/√(var + eps)
//   backward: x̂ = (x − mean)·rstd, g = dy·gamma,  dx = rstd·(g − mean(g) − x̂·mean(g·x̂))
//   params:   dgamma = Σ_rows dy·x̂, dbeta = Σ_rows dy (per-chunk partials here; column_sum finishes)
override WG: u32 = 64;

struct LayerNormParams {
  rows: u32,
  cols: u32,
  eps: f32,
  rows_per_chunk: u32, // param-grad partials only: rows summed per chunk
}

@group(0) @binding(0) var<uniform> p: LayerNormParams;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> gamma: array<f32>;
@group(0) @binding(3) var<storage, read> beta: array<f32>;
@group(0) @binding(4) var<storage, read_write> y: array<f32>;
@group(0) @binding(5) var<storage, read_write> mean_out: array<f32>;
@group(0) @binding(6) var<storage, read_write> rstd_out: array<f32>;
@group(0) @binding(7) var<storage, read> mean_in: array<f32>;
@group(0) @binding(8) var<storage, read> rstd_in: array<f32>;
@group(0) @binding(9) var<storage, read> dy: array<f32>;
@group(0) @binding(10) var<storage, read_write> dx: array<f32>;
@group(0) @binding(11) var<storage, read_write> dgamma_part: array<f32>;
@group(0) @binding(12) var<storage, read_write> dbeta_part: array<f32>;
@group(0) @binding(13) var<storage, read> x4: array<vec4f>;
@group(0) @binding(14) var<storage, read> gamma4: array<vec4f>;
@group(0) @binding(15) var<storage, read> beta4: array<vec4f>;
@group(0) @binding(16) var<storage, read_write> y4: array<vec4f>;
@group(0) @binding(17) var<storage, read> dy4: array<vec4f>;
@group(0) @binding(18) var<storage, read_write> dx4: array<vec4f>;

/** Row index of this lane; the grid is 2-D when rows exceed one dimension's workgroup limit. */
fn row_of(gid: vec3u, nwg: vec3u) -> u32 {
  return gid.y * nwg.x * WG + gid.x;
}

@compute @workgroup_size(WG)
fn layernorm_forward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let row = row_of(gid, nwg);
  if (row >= p.rows) {
    return;
  }
  let base = row * p.cols;
  var sum = 0.0;
  for (var c = 0u; c < p.cols; c++) {
    sum += x[base + c];
  }
  let mean = sum / f32(p.cols);
  var sq = 0.0;
  for (var c = 0u; c < p.cols; c++) {
    let d = x[base + c] - mean;
    sq += d * d;
  }
  let rstd = 1.0 / sqrt(sq / f32(p.cols) + p.eps);
  for (var c = 0u; c < p.cols; c++) {
    y[base + c] = (x[base + c] - mean) * rstd * gamma[c] + beta[c];
  }
  mean_out[row] = mean;
  rstd_out[row] = rstd;
}

@compute @workgroup_size(WG)
fn layernorm_backward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let row = row_of(gid, nwg);
  if (row >= p.rows) {
    return;
  }
  let base = row * p.cols;
  let mean = mean_in[row];
  let rstd = rstd_in[row];
  var g_sum = 0.0;
  var gx_sum = 0.0;
  for (var c = 0u; c < p.cols; c++) {
    let g = dy[base + c] * gamma[c];
    g_sum += g;
    gx_sum += g * (x[base + c] - mean) * rstd;
  }
  let g_mean = g_sum / f32(p.cols);
  let gx_mean = gx_sum / f32(p.cols);
  for (var c = 0u; c < p.cols; c++) {
    let xhat = (x[base + c] - mean) * rstd;
    dx[base + c] = rstd * (dy[base + c] * gamma[c] - g_mean - xhat * gx_mean);
  }
}

@compute @workgroup_size(WG)
fn layernorm_forward_vec4(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let row = row_of(gid, nwg);
  if (row >= p.rows) {
    return;
  }
  let quads = p.cols / 4u;
  let base = row * quads;
  var sum = vec4f(0.0);
  for (var c = 0u; c < quads; c++) {
    sum += x4[base + c];
  }
  let mean = dot(sum, vec4f(1.0)) / f32(p.cols);
  var sq = vec4f(0.0);
  for (var c = 0u; c < quads; c++) {
    let d = x4[base + c] - mean;
    sq += d * d;
  }
  let rstd = 1.0 / sqrt(dot(sq, vec4f(1.0)) / f32(p.cols) + p.eps);
  for (var c = 0u; c < quads; c++) {
    y4[base + c] = (x4[base + c] - mean) * rstd * gamma4[c] + beta4[c];
  }
  mean_out[row] = mean;
  rstd_out[row] = rstd;
}

@compute @workgroup_size(WG)
fn layernorm_backward_vec4(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let row = row_of(gid, nwg);
  if (row >= p.rows) {
    return;
  }
  let quads = p.cols / 4u;
  let base = row * quads;
  let mean = mean_in[row];
  let rstd = rstd_in[row];
  var g_sum = vec4f(0.0);
  var gx_sum = vec4f(0.0);
  for (var c = 0u; c < quads; c++) {
    let g = dy4[base + c] * gamma4[c];
    g_sum += g;
    gx_sum += g * (x4[base + c] - mean) * rstd;
  }
  let g_mean = dot(g_sum, vec4f(1.0)) / f32(p.cols);
  let gx_mean = dot(gx_sum, vec4f(1.0)) / f32(p.cols);
  for (var c = 0u; c < quads; c++) {
    let xhat = (x4[base + c] - mean) * rstd;
    dx4[base + c] = rstd * (dy4[base + c] * gamma4[c] - g_mean - xhat * gx_mean);
  }
}

/** Partial dgamma/dbeta of one chunk of rows: lane = column (adjacent lanes, adjacent addresses). */
@compute @workgroup_size(WG)
fn layernorm_param_grad(@builtin(global_invocation_id) gid: vec3u) {
  let c = gid.x;
  if (c >= p.cols) {
    return;
  }
  let r0 = gid.y * p.rows_per_chunk;
  let r1 = min(r0 + p.rows_per_chunk, p.rows);
  var dg = 0.0;
  var db = 0.0;
  for (var r = r0; r < r1; r++) {
    let d = dy[r * p.cols + c];
    dg += d * (x[r * p.cols + c] - mean_in[r]) * rstd_in[r];
    db += d;
  }
  dgamma_part[gid.y * p.cols + c] = dg;
  dbeta_part[gid.y * p.cols + c] = db;
}
