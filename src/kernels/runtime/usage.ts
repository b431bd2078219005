// Named GPUBufferUsage bits and the usage sets the kernels allocate with, so no call site spells
// `0x80 | 0x08 | 0x04`. Literal values (WebGPU spec, GPUBufferUsage / GPUMapMode) because Dawn's
// globals exist only once device.ts installs them, and module-level constants are built earlier;
// test/kernels/runtime-buffer-usages-match-webgpu checks them against Dawn's.

export const BufferUsage = {
  MAP_READ: 0x0001,
  MAP_WRITE: 0x0002,
  COPY_SRC: 0x0004,
  COPY_DST: 0x0008,
  INDEX: 0x0010,
  VERTEX: 0x0020,
  UNIFORM: 0x0040,
  STORAGE: 0x0080,
  INDIRECT: 0x0100,
  QUERY_RESOLVE: 0x0200,
} as const;

export const MapMode = { READ: 0x0001, WRITE: 0x0002 } as const;

/** Tensors: bound as storage, written from the host or by copies, read back. */
export const STORAGE_USAGE = BufferUsage.STORAGE | BufferUsage.COPY_DST | BufferUsage.COPY_SRC;
/** Kernel outputs that are only read back (never written from the host). */
export const OUTPUT_USAGE = BufferUsage.STORAGE | BufferUsage.COPY_SRC;
/** Scratch a kernel writes and reads itself (partial sums); never copied. */
export const SCRATCH_USAGE = BufferUsage.STORAGE;
/** Uniform buffers, written once from the host. */
export const UNIFORM_USAGE = BufferUsage.UNIFORM | BufferUsage.COPY_DST;
/** Staging buffers that a copy fills and the host maps for reading. */
export const READBACK_USAGE = BufferUsage.MAP_READ | BufferUsage.COPY_DST;
