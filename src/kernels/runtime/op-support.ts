// The one dispatch path of every op: an op describes its dispatches (pipeline, [binding, buffer]
// pairs with a typed uniform at binding 0, grid) and encodePass records them with bind groups
// cached by buffer identity (bind-groups.ts). Also the shared input checks, which raise ShapeError
// naming the buffer, shape and limit, and submit-and-wait.
import { bindGroup, type Bindings } from './bind-groups.ts';
import type { Gpu } from './device.ts';
import { ShapeError } from './errors.ts';

/** One dispatch: a pipeline, its resources by @binding number, and the workgroup grid. */
export interface DispatchSpec {
  readonly pipeline: GPUComputePipeline;
  /** [binding, buffer]; binding 0 is the op's uniform by convention. */
  readonly bindings: Bindings;
  readonly groups: readonly [number, number?, number?];
}

/** Records the dispatches, in order, in one compute pass (WebGPU orders storage writes between them). */
export function encodePass(
  gpu: Gpu,
  encoder: GPUCommandEncoder,
  label: string,
  dispatches: readonly DispatchSpec[],
): void {
  const pass = encoder.beginComputePass({ label });
  for (const d of dispatches) {
    pass.setPipeline(d.pipeline);
    pass.setBindGroup(0, bindGroup(gpu, d.pipeline, d.bindings));
    pass.dispatchWorkgroups(d.groups[0], d.groups[1] ?? 1, d.groups[2] ?? 1);
  }
  pass.end();
}

/** Records with `encode` into a fresh encoder, submits, and waits for the GPU to finish. */
export async function submitAndWait(gpu: Gpu, encode: (encoder: GPUCommandEncoder) => void): Promise<void> {
  const encoder = gpu.device.createCommandEncoder();
  encode(encoder);
  gpu.device.queue.submit([encoder.finish()]);
  await gpu.device.queue.onSubmittedWorkDone();
}

/** Checks a dimension is a positive integer; `what` names it (e.g. `layerNorm cols`). */
export function requireDim(value: number, what: string): void {
  if (!Number.isInteger(value) || value <= 0) throw new ShapeError(`${what} = ${value}: expected a positive integer`);
}

/** Checks `buffer` can be bound holding `count` f32 values (size and the adapter's binding limit). */
export function requireF32(gpu: Gpu, buffer: GPUBuffer, count: number, what: string, shape: string): void {
  const bytes = count * 4;
  const limit = gpu.adapter.limits['maxStorageBufferBindingSize'] ?? Number.POSITIVE_INFINITY;
  if (bytes > limit) {
    throw new ShapeError(
      `${what} ${shape} needs ${bytes} bytes, over this adapter's maxStorageBufferBindingSize ${limit}`,
    );
  }
  if (buffer.size < bytes) {
    throw new ShapeError(
      `${what} ${shape} needs ${count} f32 (${bytes} bytes) but its buffer '${buffer.label}' has ${buffer.size} bytes`,
    );
  }
}

/** Checks a grid dimension against maxComputeWorkgroupsPerDimension. */
export function requireGroups(gpu: Gpu, groups: number, what: string): void {
  const limit = gpu.adapter.limits['maxComputeWorkgroupsPerDimension'] ?? 65535;
  if (groups > limit) {
    throw new ShapeError(
      `${what} needs ${groups} workgroups in one dimension, ` +
        `over this adapter's maxComputeWorkgroupsPerDimension ${limit}`,
    );
  }
}

/** Checks two buffers are distinct objects (WebGPU refuses one buffer bound writable and read-only). */
export function requireDistinct(a: GPUBuffer, b: GPUBuffer, what: string): void {
  if (a === b) throw new ShapeError(`${what}: the same buffer '${a.label}' is passed twice; use the in-place variant`);
}

/** Grid-stride workgroup count for `total` elements: enough to fill a GPU, capped so each lane loops. */
export function strideGroups(total: number, workgroupSize: number, maxGroups = 1024): number {
  return Math.max(1, Math.min(Math.ceil(total / workgroupSize), maxGroups));
}

/** Which part of a flat array one dispatch covers: vec4 over ⌊total/4⌋·4 values, or scalars from `first`. */
export interface FlatPart {
  readonly vec4: boolean;
  readonly first: number;
}

/**
 * The dispatches of a flat element-wise op: one over ⌊total/4⌋ vec4 (skipped when empty) and one
 * over the 0–3 trailing scalars (skipped when none). `make` returns each part's pipeline and bindings.
 */
export function splitFlat(
  total: number,
  workgroupSize: number,
  make: (part: FlatPart) => Omit<DispatchSpec, 'groups'>,
): DispatchSpec[] {
  const quads = Math.floor(total / 4);
  const parts: DispatchSpec[] = [];
  if (quads > 0) parts.push({ ...make({ vec4: true, first: 0 }), groups: [strideGroups(quads, workgroupSize)] });
  if (quads * 4 < total)
    parts.push({
      ...make({ vec4: false, first: quads * 4 }),
      groups: [strideGroups(total - quads * 4, workgroupSize)],
    });
  return parts;
}
