// Optional device features a user asks for by name (`--features f16,subgroup-matrix`): which
// WebGPU feature each is, which Dawn toggles it needs, and what the opened device got of them.
// Without a request nothing here applies and the device opens exactly as before.
import { UsageError } from '../../core/index.ts';

/** Names `--features` accepts. */
export const REQUESTABLE_FEATURES = ['f16', 'subgroups', 'subgroup-matrix'] as const;
export type RequestedFeature = (typeof REQUESTABLE_FEATURES)[number];

/** The WebGPU feature behind each name. */
export const WEBGPU_FEATURE: Readonly<Record<RequestedFeature, string>> = {
  f16: 'shader-f16',
  subgroups: 'subgroups',
  'subgroup-matrix': 'chromium-experimental-subgroup-matrix',
};

/**
 * Dawn toggles each name needs (see Dawn's src/dawn/native/Toggles.cpp). Subgroup matrices are an
 * experimental feature that Dawn only exposes with `allow_unsafe_apis`, and on Vulkan they need
 * the Vulkan memory model; Dawn hides `shader-f16` on NVIDIA's Vulkan driver unless
 * `vulkan_enable_f16_on_nvidia` is on. Dawn's node binding passes `enable-dawn-features=` of
 * create() to the instance, the adapter and the device; unknown toggle names are ignored silently.
 */
export const DAWN_TOGGLES: Readonly<Record<RequestedFeature, readonly string[]>> = {
  f16: ['vulkan_enable_f16_on_nvidia'],
  subgroups: [],
  'subgroup-matrix': ['allow_unsafe_apis', 'use_vulkan_memory_model'],
};

function isRequestable(name: string): name is RequestedFeature {
  return (REQUESTABLE_FEATURES as readonly string[]).includes(name);
}

/** The short name for `text`, which may also be the WebGPU feature's own name (`shader-f16`). */
function canonical(text: string): RequestedFeature | undefined {
  const name = text.trim().toLowerCase();
  if (isRequestable(name)) return name;
  return REQUESTABLE_FEATURES.find((f) => WEBGPU_FEATURE[f] === name);
}

/**
 * Parses a comma-separated list (`f16,subgroup-matrix`); `flag` names the option in errors.
 * Empty or absent text requests nothing. Order is normalised, duplicates dropped.
 */
export function parseFeatures(text: string | undefined, flag = '--features'): RequestedFeature[] {
  if (text === undefined || text.trim() === '') return [];
  const wanted = new Set<RequestedFeature>();
  for (const part of text.split(',')) {
    const name = canonical(part);
    if (!name) {
      throw new UsageError(
        'GPU_BAD_FEATURE',
        `${flag} '${text}': '${part.trim()}' is not a feature; expected a comma-separated list of ` +
          `${REQUESTABLE_FEATURES.join(', ')}`,
      );
    }
    wanted.add(name);
  }
  return REQUESTABLE_FEATURES.filter((f) => wanted.has(f));
}

/** The Dawn toggles to enable for `features`, sorted and without duplicates. */
export function togglesFor(features: readonly RequestedFeature[]): string[] {
  return [...new Set(features.flatMap((f) => DAWN_TOGGLES[f]))].sort();
}

/** What a device opened with a request got: `bench adapters` and every `--json` report carry it. */
export interface FeatureReport {
  readonly requested: readonly RequestedFeature[];
  /** Dawn toggles enabled for the request. */
  readonly toggles: readonly string[];
  /** Requested names the device has. */
  readonly granted: readonly RequestedFeature[];
  /** Requested names the adapter lacks (the device opened without them). */
  readonly missing: readonly RequestedFeature[];
}

/** Splits a request by whether `has` (the adapter's or device's feature set) holds each feature. */
export function featureReport(
  requested: readonly RequestedFeature[],
  has: (webgpuFeature: string) => boolean,
): FeatureReport {
  return {
    requested: [...requested],
    toggles: togglesFor(requested),
    granted: requested.filter((f) => has(WEBGPU_FEATURE[f])),
    missing: requested.filter((f) => !has(WEBGPU_FEATURE[f])),
  };
}

/** One line for stderr, e.g. `features: asked f16, subgroup-matrix; got f16; adapter lacks subgroup-matrix`. */
export function formatFeatureReport(r: FeatureReport): string {
  if (r.requested.length === 0) return 'features: none asked (defaults)';
  const got = r.granted.length ? r.granted.join(', ') : 'none';
  const lacks = r.missing.length ? `; adapter lacks ${r.missing.join(', ')}` : '';
  const toggles = r.toggles.length ? ` (Dawn toggles ${r.toggles.join(', ')})` : '';
  return `features: asked ${r.requested.join(', ')}${toggles}; got ${got}${lacks}`;
}

/** One shape of `adapter.info.subgroupMatrixConfigs` (Dawn's experimental subgroup matrices). */
export interface SubgroupMatrixConfig {
  readonly M: number;
  readonly N: number;
  readonly K: number;
  readonly componentType: string;
  readonly resultComponentType: string;
}

function field(value: object, key: string): unknown {
  return Reflect.get(value, key);
}

/**
 * The adapter's subgroup-matrix shapes; [] where Dawn exposes none (the field is missing from
 * @webgpu/types, hence read by name and checked).
 */
export function subgroupMatrixConfigs(info: GPUAdapterInfo): SubgroupMatrixConfig[] {
  const raw = field(info, 'subgroupMatrixConfigs');
  const list: readonly unknown[] = Array.isArray(raw) ? raw : [];
  const configs: SubgroupMatrixConfig[] = [];
  for (const c of list) {
    if (c === null || typeof c !== 'object') continue;
    configs.push({
      M: Number(field(c, 'M')),
      N: Number(field(c, 'N')),
      K: Number(field(c, 'K')),
      componentType: String(field(c, 'componentType')),
      resultComponentType: String(field(c, 'resultComponentType')),
    });
  }
  return configs;
}
