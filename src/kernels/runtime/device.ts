// Owns the WebGPU device: picks an adapter (by name or backend), requests its features and
// limits, and reports what it got. One Gpu value is what every kernel dispatch receives.
import { create, globals } from 'webgpu';
import { UsageError } from '../../core/index.ts';
import { NoAdapterError } from './errors.ts';
import { PipelineCache } from './pipelines.ts';
import { recordAdapterThreads, threadIds } from './adapter-threads.ts';
import { yieldPollerToAdapter, type PollerPriority } from './poller.ts';
import { BufferPool } from './pool.ts';
import {
  featureReport,
  subgroupMatrixConfigs,
  togglesFor,
  WEBGPU_FEATURE,
  type FeatureReport,
  type RequestedFeature,
  type SubgroupMatrixConfig,
} from './features.ts';

export interface AdapterChoice {
  /** Substring of the adapter's name or description, case-insensitive (e.g. `llvmpipe`, `H100`). */
  readonly name?: string;
  /** Dawn backend: vulkan, metal, d3d12, d3d11, opengl, opengles, null. */
  readonly backend?: string;
  readonly powerPreference?: GPUPowerPreference;
  /**
   * Optional features to ask for (`--features`): their Dawn toggles are enabled and the device
   * gets each one the adapter has. Absent or empty: the device opens exactly as without it.
   */
  readonly features?: readonly RequestedFeature[];
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
  /** `adapter.info.subgroupMatrixConfigs`: shapes of Dawn's experimental subgroup matrices ([] when none). */
  readonly subgroupMatrixConfigs?: readonly SubgroupMatrixConfig[];
}

/**
 * Whether the adapter is a CPU driver (llvmpipe/lavapipe, SwiftShader): kernels tune differently
 * there, since a few SIMD threads replace thousands of resident invocations.
 */
export function isCpuAdapter(adapter: Pick<AdapterDescription, 'description' | 'architecture'>): boolean {
  return /llvmpipe|lavapipe|swiftshader|software/i.test(`${adapter.description} ${adapter.architecture}`);
}

export interface Gpu {
  readonly device: GPUDevice;
  readonly adapter: AdapterDescription;
  readonly pipelines: PipelineCache;
  /** Storage buffers reused by size class (see pool.ts); destroyed with the device. */
  readonly pool: BufferPool;
  /** The Dawn backend asked for (`default` when Dawn chose). */
  readonly backend: string;
  readonly hasF16: boolean;
  readonly hasSubgroups: boolean;
  readonly hasTimestamps: boolean;
  /** `chromium-experimental-subgroup-matrix` (only when asked for: it needs `allow_unsafe_apis`). */
  readonly hasSubgroupMatrix: boolean;
  /** What was asked for with AdapterChoice.features and what the device got (all empty when nothing was). */
  readonly features: FeatureReport;
  /** The waiting (JavaScript) thread's priority after the device opened (see poller.ts). */
  readonly poller: PollerPriority;
  /** Releases the device and its buffer pool (the Dawn instance lives as long as the process). */
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

/** Backends Dawn's node binding accepts for `backend=` (Dawn prints this list for a bad one). */
export const DAWN_BACKENDS = ['vulkan', 'metal', 'd3d12', 'd3d11', 'opengl', 'opengles', 'null', 'webgpu'] as const;

/** Backends worth probing on this platform when listing adapters (null/webgpu are not devices). */
function platformBackends(): readonly string[] {
  if (process.platform === 'darwin') return ['metal'];
  if (process.platform === 'win32') return ['d3d12', 'vulkan', 'd3d11'];
  return ['vulkan', 'opengles', 'opengl'];
}

function checkBackend(backend: string): void {
  if (!(DAWN_BACKENDS as readonly string[]).includes(backend)) {
    throw new UsageError(
      'GPU_BAD_BACKEND',
      `backend '${backend}' is not a Dawn backend; expected one of ${DAWN_BACKENDS.join(', ')}`,
    );
  }
}

/**
 * Dawn quantises timestamp queries to 65,536 ns by default (a browser's guard against timing
 * attacks; measured here: every interval a multiple of 65,536 ns, short kernels read as 0). A
 * benchmark harness needs the real clock, so the toggle is off.
 */
function dawnOptions(backend: string | undefined, toggles: readonly string[]): string[] {
  return [
    ...(backend ? [`backend=${backend}`] : []),
    ...(toggles.length ? [`enable-dawn-features=${toggles.join(',')}`] : []),
    'disable-dawn-features=timestamp_quantization',
  ];
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
    subgroupMatrixConfigs: subgroupMatrixConfigs(info),
  };
}

function matchesName(desc: AdapterDescription, name: string): boolean {
  const hay = `${desc.vendor} ${desc.architecture} ${desc.device} ${desc.description}`.toLowerCase();
  return hay.includes(name.toLowerCase());
}

interface Candidate {
  readonly instance: GPU;
  readonly adapter: GPUAdapter;
  readonly backend: string;
  readonly description: AdapterDescription;
}

// One Dawn instance per backend for the life of the process. Dropping instances and letting the
// GC collect them while other devices run crashed worker processes at random (about 1 run in 8 of
// the runtime tests); the price is that Node does not exit by itself while they are held
// (crbug 387965810), so the CLI exits explicitly.
const instances = new Map<string, GPU>();

/**
 * The process-wide Dawn instance for `backend` (undefined: Dawn's default choice) with `toggles`
 * enabled (one instance per distinct set: toggles are fixed when an instance is created).
 */
export function dawnInstance(backend?: string, toggles: readonly string[] = []): GPU {
  installGlobals();
  const key = `${backend ?? ''}|${toggles.join(',')}`;
  let instance = instances.get(key);
  if (!instance) {
    instance = create(dawnOptions(backend, toggles));
    instances.set(key, instance);
  }
  return instance;
}

/** One requestAdapter() on the backend's Dawn instance; undefined when that backend has none. */
async function probe(
  backend: string | undefined,
  powerPreference?: GPUPowerPreference,
  toggles: readonly string[] = [],
): Promise<Candidate | undefined> {
  installGlobals();
  try {
    const instance = dawnInstance(backend, toggles);
    const adapter = await instance.requestAdapter(powerPreference ? { powerPreference } : undefined);
    if (!adapter) return undefined;
    return { instance, adapter, backend: backend ?? 'default', description: describeAdapter(adapter) };
  } catch {
    return undefined; // Dawn throws when a backend is not compiled in or has no driver.
  }
}

/** Every adapter reachable here: the default one, then each platform backend (deduplicated). */
async function candidates(powerPreference?: GPUPowerPreference, toggles: readonly string[] = []): Promise<Candidate[]> {
  const found: Candidate[] = [];
  const seen = new Set<string>();
  for (const backend of [undefined, ...platformBackends()]) {
    const c = await probe(backend, powerPreference, toggles);
    if (!c) continue;
    const key = `${c.description.vendor}|${c.description.device}|${c.description.description}`;
    // The default adapter is one of the backends' adapters: keep the entry that names its backend.
    if (seen.has(key)) {
      const i = found.findIndex((f) => f.backend === 'default' && adapterKey(f) === key);
      if (i >= 0) found[i] = c;
      continue;
    }
    seen.add(key);
    found.push(c);
  }
  return found;
}

function adapterKey(c: Candidate): string {
  return `${c.description.vendor}|${c.description.device}|${c.description.description}`;
}

export interface ListedAdapter {
  /** Dawn backend that exposes it (pass as `backend` to pick it). */
  readonly backend: string;
  readonly adapter: AdapterDescription;
  /** With a request: which of the asked features this adapter would give a device. */
  readonly features?: FeatureReport;
}

/**
 * Lists the adapters on this machine with their features and limits (for `bench adapters`); with
 * `features`, through instances with their toggles (experimental features show only then).
 */
export async function listAdapters(features: readonly RequestedFeature[] = []): Promise<ListedAdapter[]> {
  return (await candidates(undefined, togglesFor(features))).map((c) => ({
    backend: c.backend,
    adapter: c.description,
    ...(features.length ? { features: featureReport(features, (f) => c.adapter.features.has(f)) } : {}),
  }));
}

/** The adapter `choice` names: the backend's (or default) adapter, else any adapter matching the name. */
async function chooseAdapter(choice: AdapterChoice): Promise<Candidate> {
  if (choice.backend) checkBackend(choice.backend);
  const toggles = togglesFor(choice.features ?? []);
  const first = await probe(choice.backend, choice.powerPreference, toggles);
  if (first && (!choice.name || matchesName(first.description, choice.name))) return first;
  if (choice.name && !choice.backend) {
    const match = (await candidates(choice.powerPreference, toggles)).find((c) =>
      matchesName(c.description, choice.name ?? ''),
    );
    if (match) return match;
  }
  if (!first) throw new NoAdapterError(`requestAdapter(${JSON.stringify(choice)}) returned none`);
  const found = (await listAdapters()).map((a) => `'${a.adapter.description || a.adapter.device}' (${a.backend})`);
  throw new NoAdapterError(`no adapter matches name '${choice.name}' (found ${found.join(', ') || 'none'})`);
}

const WANTED_LIMITS = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxStorageBuffersPerShaderStage',
  'maxComputeWorkgroupsPerDimension',
] as const;

/** Opens a device on the chosen adapter, with every useful optional feature it supports. */
export async function openGpu(choice: AdapterChoice = {}): Promise<Gpu> {
  const chosen = await chooseAdapter(choice);
  const { adapter, description } = chosen;
  const wanted = new Set([...WANTED_FEATURES, ...requestedFeatureNames(adapter, choice.features ?? [])]);
  const requiredFeatures = [...wanted].filter((f) => adapter.features.has(f));
  const requiredLimits: Record<string, number> = {};
  for (const key of WANTED_LIMITS) requiredLimits[key] = adapter.limits[key];
  const threadsBefore = threadIds();
  const device = await adapter.requestDevice({ requiredFeatures, requiredLimits });
  recordAdapterThreads(threadsBefore, threadIds());
  device.addEventListener('uncapturederror', (event) => {
    process.stderr.write(`webgpu: uncaptured error: ${(event as GPUUncapturedErrorEvent).error.message}\n`);
  });
  const pool = new BufferPool(device);
  // After requestDevice: a CPU adapter's worker threads now exist at this thread's priority.
  const poller = yieldPollerToAdapter(isCpuAdapter(description));
  return {
    device,
    adapter: description,
    pipelines: new PipelineCache(device),
    pool,
    backend: chosen.backend,
    hasF16: device.features.has('shader-f16'),
    hasSubgroups: device.features.has('subgroups'),
    hasTimestamps: device.features.has('timestamp-query'),
    hasSubgroupMatrix: device.features.has(WEBGPU_FEATURE['subgroup-matrix']),
    features: featureReport(choice.features ?? [], (f) => device.features.has(f)),
    poller,
    destroy() {
      pool.destroy();
      device.destroy();
    },
  };
}

/**
 * The adapter's names for the requested features beyond WANTED_FEATURES. @webgpu/types does not
 * list Dawn's experimental names, so a name counts as a GPUFeatureName once the adapter reports it.
 */
function requestedFeatureNames(adapter: GPUAdapter, features: readonly RequestedFeature[]): GPUFeatureName[] {
  const isAdapterFeature = (name: string): name is GPUFeatureName => adapter.features.has(name);
  return features.map((f) => WEBGPU_FEATURE[f]).filter(isAdapterFeature);
}

/** `8x8x8:f16->f32,…` (M×N×K, component and result types). */
function formatConfigs(configs: readonly SubgroupMatrixConfig[]): string {
  return configs.map((c) => `${c.M}x${c.N}x${c.K}:${c.componentType}->${c.resultComponentType}`).join(',');
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
    (desc.subgroupSizes.length ? ` subgroupSizes=${desc.subgroupSizes.join('/')}` : '') +
    (desc.subgroupMatrixConfigs?.length ? ` subgroupMatrixConfigs=${formatConfigs(desc.subgroupMatrixConfigs)}` : '')
  );
}
