// Every shaders/*.wgsl compiles on every adapter without a single compilation message (errors
// and warnings alike), reported as shaders/<file>.wgsl:line:col.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { shaderSource, type Gpu } from '../../src/kernels/index.ts';
import { describeGpu } from '../support/gpu.ts';

/** WGSL `enable` extensions the shader uses that this device was not given. */
function missingExtensions(code: string, gpu: Gpu): string[] {
  const has: Readonly<Record<string, boolean>> = { f16: gpu.hasF16, subgroups: gpu.hasSubgroups };
  const enabled = [...code.matchAll(/^\s*enable\s+([\w\s,]+);/gm)].flatMap((m) =>
    (m[1] ?? '').split(',').map((e) => e.trim()),
  );
  return enabled.filter((e) => has[e] !== true);
}

const shadersDir = fileURLToPath(new URL('../../shaders/', import.meta.url));
const shaders = readdirSync(shadersDir)
  .filter((f) => f.endsWith('.wgsl'))
  .map((f) => f.slice(0, -'.wgsl'.length))
  .sort();

it('finds the shaders folder populated', () => {
  expect(shaders).toContain('matmul');
});

describeGpu('every shader compiles cleanly', (gpu) => {
  it.each(shaders)('shaders/%s.wgsl', async (name) => {
    const code = shaderSource(name);
    const module = gpu().device.createShaderModule({ label: name, code });
    const info = await module.getCompilationInfo();
    const messages = info.messages.map(
      (m) => `shaders/${name}.wgsl:${m.lineNum}:${m.linePos}: ${m.type}: ${m.message}`,
    );
    const missing = missingExtensions(code, gpu());
    if (missing.length > 0) {
      // A shader behind an extension the device lacks must fail to compile, naming it.
      expect(messages.join('\n')).toMatch(new RegExp(missing.join('|')));
      return;
    }
    expect(messages, messages.join('\n')).toEqual([]);
  });
});
