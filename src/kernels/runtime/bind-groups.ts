// The only place in the kernels stage that creates bind groups (test/kernels/ops-follow-one-pattern
// enforces it). A bind group is cached by buffer identity: a trie of WeakMaps keyed on the pipeline
// and then on each bound buffer in order, so a repeated encode with the same buffers (a training
// step, a timed benchmark run, a ring pass) reuses its groups, and a group whose pipeline or
// buffers are collected goes with them. Uniform buffers come from caches by value (uniforms.ts),
// so equal parameters bind the same buffer and hit too.
import type { Gpu } from './device.ts';

/** [binding, buffer] pairs of one dispatch; binding 0 is the op's uniform by convention. */
export type Bindings = readonly (readonly [number, GPUBuffer])[];

interface Node {
  readonly next: WeakMap<GPUBuffer, Node>;
  /** Groups ending here, by their binding numbers (one pipeline may bind the same buffers elsewhere). */
  readonly groups: Map<string, GPUBindGroup>;
}

const roots = new WeakMap<GPUComputePipeline, Node>();

function child(map: WeakMap<object, Node>, key: object): Node {
  let node = map.get(key);
  if (!node) {
    node = { next: new WeakMap(), groups: new Map() };
    map.set(key, node);
  }
  return node;
}

/** The bind group (group 0) of `pipeline` with `bindings`, created once per buffer set. */
export function bindGroup(gpu: Gpu, pipeline: GPUComputePipeline, bindings: Bindings): GPUBindGroup {
  let node = child(roots, pipeline);
  for (const [, buffer] of bindings) node = child(node.next, buffer);
  const key = bindings.map(([binding]) => binding).join(',');
  let group = node.groups.get(key);
  if (!group) {
    group = gpu.device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: bindings.map(([binding, buffer]) => ({ binding, resource: { buffer } })),
    });
    node.groups.set(key, group);
  }
  return group;
}
