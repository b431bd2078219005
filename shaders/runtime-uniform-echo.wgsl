// Test shader for the runtime: copies every field of a uniform struct into a storage buffer of
// u32 bit patterns, so a test can check the host-side packing (uniforms.ts) against the shader.
// The struct mixes scalars, a vec3 (16-byte aligned) and an @align member on purpose.

struct Echo {
  a: u32,
  b: f32,
  c: vec3<f32>,
  d: i32,
  @align(16) e: vec2u,
  f: f32,
}

@group(0) @binding(0) var<uniform> echo: Echo;
@group(0) @binding(1) var<storage, read_write> out: array<u32>;

@compute @workgroup_size(1)
fn main() {
  out[0] = echo.a;
  out[1] = bitcast<u32>(echo.b);
  out[2] = bitcast<u32>(echo.c.x);
  out[3] = bitcast<u32>(echo.c.y);
  out[4] = bitcast<u32>(echo.c.z);
  out[5] = bitcast<u32>(echo.d);
  out[6] = echo.e.x;
  out[7] = echo.e.y;
  out[8] = bitcast<u32>(echo.f);
}
