// Owns the WebGPU device: picks an adapter (by name or backend), requests its features and
// limits, and reports what it got. One Gpu value is what every kernel dispatch receives.
import { create, globals } from 'webgpu';
import { NoAdapterError } from './errors.ts';
import { PipelineCache } from './pipelines.ts';

export interface AdapterChoice {
  /** Substring of the adapter's name or description, case-insensitive (e.g. `llvmpipe`, `H100`). */
  readonly name?: string;
  /** Dawn backend: vulkan, metal, d3d12, d3d11, opengl, opengles, null. */
  readonly backend?: string;
  readonly powerPreference?: GPUPowerPreference;
}

export interface AdapterDescription {
  readonly vendor: string;
  readonly architecture: string;
  readonly device: string;
  readonly description: string;
  readonly features: readonly string[];
  readonly limits: Readonly<Record<string, number>>;
  /** Subgroup sizes the adapter may run with ([] when it has no `subgroups`). */
  readonly subgroupSizes: readonly number[];
}

export interface Gpu {
  readonly device: GPUDevice;
  readonly adapter: AdapterDescription;
  readonly pipelines: PipelineCache;
  readonly hasF16: boolean;
  readonly hasSubgroups: boolean;
  readonly hasTimestamps: boolean;
  /** Releases the device and the Dawn instance so Node can exit. */
  destroy(): void;
}

const WANTED_FEATURES: readonly GPUFeatureName[] = ['shader-f16', 'subgroups', 'timestamp-query'];

let globalsInstalled = false;
function installGlobals(): void {
  if (globalsInstalled) return;
  // Dawn's GPUBufferUsage, GPUMapMode, … constants, as a browser would provide them.
  Object.assign(globalThis, globals);
  globalsInstalled = true;
}

function dawnOptions(choice: AdapterChoice): string[] {
  const options: string[] = [];
  if (choice.backend) options.push(`backend=${choice.backend}`);
  return options;
}

/** Describes an adapter for logs and benchmark output. */
export function describeAdapter(adapter: GPUAdapter): AdapterDescription {
  const info = adapter.info;
  const limits: Record<string, number> = {};
  for (const key in adapter.limits) {
    const value: unknown = adapter.limits[key as keyof GPUSupportedLimits];
    if (typeof value === 'number') limits[key] = value;
  }
  const sizes: number[] = [];
  const min = info.subgroupMinSize ?? 0;
  const max = info.subgroupMaxSize ?? 0;
  if (adapter.features.has('subgroups') && min > 0) for (let s = min; s <= max; s *= 2) sizes.push(s);
  return {
    vendor: info.vendor,
    architecture: info.architecture,
    device: info.device,
    description: info.description,
    features: [...adapter.features].map(String).sort(),
    limits,
    subgroupSizes: sizes,
  };
}

function matchesName(desc: AdapterDescription, name: string): boolean {
  const hay = `${desc.vendor} ${desc.architecture} ${desc.device} ${desc.description}`.toLowerCase();
  return hay.includes(name.toLowerCase());
}

/** Opens a device on the chosen adapter, with every useful optional feature it supports. */
export async function openGpu(choice: AdapterChoice = {}): Promise<Gpu> {
  installGlobals();
  let navigatorGpu: GPU | undefined = create(dawnOptions(choice));
  const adapter = await navigatorGpu.requestAdapter(
    choice.powerPreference ? { powerPreference: choice.powerPreference } : undefined,
  );
  if (!adapter) throw new NoAdapterError(`requestAdapter(${JSON.stringify(choice)}) returned none`);
  const description = describeAdapter(adapter);
  if (choice.name && !matchesName(description, choice.name)) {
    throw new NoAdapterError(
      `no adapter matches name '${choice.name}' (found '${description.description || description.device}')`,
    );
  }
  const requiredFeatures = WANTED_FEATURES.filter((f) => adapter.features.has(f));
  const requiredLimits: Record<string, number> = {};
  for (const key of [
    'maxStorageBufferBindingSize',
    'maxBufferSize',
    'maxComputeWorkgroupStorageSize',
    'maxComputeInvocationsPerWorkgroup',
    'maxComputeWorkgroupSizeX',
    'maxComputeWorkgroupSizeY',
    'maxStorageBuffersPerShaderStage',
    'maxComputeWorkgroupsPerDimension',
  ] as const) {
    requiredLimits[key] = adapter.limits[key];
  }
  const device = await adapter.requestDevice({ requiredFeatures, requiredLimits });
  device.addEventListener('uncapturederror', (event) => {
    process.stderr.write(`webgpu: uncaptured error: ${(event as GPUUncapturedErrorEvent).error.message}\n`);
  });
  const pipelines = new PipelineCache(device);
  return {
    device,
    adapter: description,
    pipelines,
    hasF16: device.features.has('shader-f16'),
    hasSubgroups: device.features.has('subgroups'),
    hasTimestamps: device.features.has('timestamp-query'),
    destroy() {
      device.destroy();
      // Dawn keeps Node alive while the instance is referenced (crbug 387965810).
      navigatorGpu = undefined;
    },
  };
}

/** One-line summary for stderr: name, backend features and the limits kernels care about. */
export function formatAdapter(desc: AdapterDescription): string {
  const name = desc.description || `${desc.vendor} ${desc.device}`;
  const l = desc.limits;
  return (
    `${name} [${desc.architecture || desc.vendor}] features: ${desc.features.join(', ')}; ` +
    `maxStorageBufferBindingSize=${l['maxStorageBufferBindingSize']} ` +
    `maxComputeWorkgroupStorageSize=${l['maxComputeWorkgroupStorageSize']} ` +
    `maxComputeInvocationsPerWorkgroup=${l['maxComputeInvocationsPerWorkgroup']}` +
    (desc.subgroupSizes.length ? ` subgroupSizes=${desc.subgroupSizes.join('/')}` : '')
  );
}
