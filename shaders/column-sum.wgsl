// Column sums of a [rows, cols] f32 matrix in chunks of rows: dst[k, c] = Σ_{r in chunk k} src[r, c].
// Used twice for a full sum (chunks of ~√rows, then one chunk of the partials): the bias gradient
// db = Σ_n dy[n, :] and layer norm's dgamma/dbeta. Adjacent lanes read adjacent columns.
override WG: u32 = 64;

struct ColumnSumParams {
  rows: u32,
  cols: u32,
  rows_per_chunk: u32,
}

@group(0) @binding(0) var<uniform> p: ColumnSumParams;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read_write> dst: array<f32>;

@compute @workgroup_size(WG)
fn column_sum(@builtin(global_invocation_id) gid: vec3u) {
  let c = gid.x;
  if (c >= p.cols) {
    return;
  }
  let r0 = gid.y * p.rows_per_chunk;
  let r1 = min(r0 + p.rows_per_chunk, p.rows);
  var s = 0.0;
  for (var r = r0; r < r1; r++) {
    s += src[r * p.cols + c];
  }
  dst[gid.y * p.cols + c] = s;
}
