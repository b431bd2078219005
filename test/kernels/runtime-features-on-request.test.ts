// `--features` asks Dawn for optional features (with their toggles) only when requested, reports
// what the device got, and rejects unknown names by naming the flag.
import { describe, expect, it } from 'vitest';
import {
  formatFeatureReport,
  listAdapters,
  openGpu,
  parseFeatures,
  togglesFor,
  type Gpu,
} from '../../src/kernels/index.ts';
import { describeGpu } from '../support/gpu.ts';

describe('parseFeatures', () => {
  it('accepts short and WebGPU names, in any order, once each', () => {
    expect(parseFeatures('subgroup-matrix, f16,shader-f16')).toEqual(['f16', 'subgroup-matrix']);
    expect(parseFeatures('chromium-experimental-subgroup-matrix')).toEqual(['subgroup-matrix']);
    expect(parseFeatures('')).toEqual([]);
    expect(parseFeatures(undefined)).toEqual([]);
  });

  it('names the flag and the bad value', () => {
    expect(() => parseFeatures('f16,fp8', '--features')).toThrow(/--features 'f16,fp8': 'fp8' is not a feature/);
    try {
      parseFeatures('bf16');
    } catch (error) {
      expect(error).toMatchObject({ code: 'GPU_BAD_FEATURE' });
    }
  });

  it('maps each feature to the Dawn toggles it needs', () => {
    expect(togglesFor([])).toEqual([]);
    expect(togglesFor(['subgroups'])).toEqual([]);
    expect(togglesFor(['f16', 'subgroup-matrix'])).toEqual([
      'allow_unsafe_apis',
      'use_vulkan_memory_model',
      'vulkan_enable_f16_on_nvidia',
    ]);
  });
});

describeGpu('device features on request', (gpu) => {
  it('reports nothing asked and opens as before without a request', () => {
    const g = gpu();
    expect(g.features).toEqual({ requested: [], toggles: [], granted: [], missing: [] });
    expect(g.hasSubgroupMatrix).toBe(false);
    expect(formatFeatureReport(g.features)).toBe('features: none asked (defaults)');
  });

  it('gives each asked feature the adapter has, and names the ones it lacks', async () => {
    const label = gpu().adapter.description;
    let asked: Gpu | undefined;
    try {
      asked = await openGpu({ name: label, features: ['f16', 'subgroups', 'subgroup-matrix'] });
      const f = asked.features;
      expect(f.requested).toEqual(['f16', 'subgroups', 'subgroup-matrix']);
      expect(f.toggles).toContain('allow_unsafe_apis');
      expect([...f.granted, ...f.missing].sort()).toEqual([...f.requested].sort());
      expect(f.granted.includes('f16')).toBe(asked.device.features.has('shader-f16'));
      expect(f.granted.includes('subgroup-matrix')).toBe(asked.hasSubgroupMatrix);
      expect(asked.hasSubgroupMatrix).toBe((asked.adapter.subgroupMatrixConfigs ?? []).length > 0);
      for (const m of f.missing) expect(formatFeatureReport(f)).toContain(m);
    } finally {
      asked?.destroy();
    }
  });

  it('reaches Dawn: the unsafe-API toggle shows at least the features it shows without it', async () => {
    const plain = await listAdapters();
    const unsafe = await listAdapters(['subgroup-matrix']);
    expect(unsafe.length).toBe(plain.length);
    for (const [i, listed] of unsafe.entries()) {
      expect(listed.features?.requested).toEqual(['subgroup-matrix']);
      for (const feature of plain[i]?.adapter.features ?? []) expect(listed.adapter.features).toContain(feature);
    }
    // Dawn 0.6.2's experimental features (e.g. multi-draw-indirect on lavapipe) appear only with it.
    expect(unsafe.some((u, i) => u.adapter.features.length > (plain[i]?.adapter.features.length ?? 0))).toBe(true);
  });
});
