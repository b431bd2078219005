// Frozen calibration workload of `bench gate` (never tuned, not product code): each invocation runs
// a fixed chain of 256 multiply-adds seeded from its input and writes one f32. Changing this file
// invalidates every timing baseline under bench/baselines/.
@group(0) @binding(0) var<storage, read> src: array<f32>;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  let i = id.x;
  if (i >= arrayLength(&dst)) { return; }
  var x = src[i];
  var y = src[(i * 7u + 3u) % arrayLength(&src)];
  for (var k = 0u; k < 256u; k = k + 1u) {
    x = fma(x, 0.999, y);
    y = fma(y, 1.0001, -x * 0.5);
  }
  dst[i] = x + y;
}
