// Every shaders/*.wgsl compiles on every adapter without a single compilation message (errors
// and warnings alike), reported as shaders/<file>.wgsl:line:col.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { shaderSource } from '../../src/kernels/index.ts';
import { describeGpu } from '../support/gpu.ts';

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
    const module = gpu().device.createShaderModule({ label: name, code: shaderSource(name) });
    const info = await module.getCompilationInfo();
    const messages = info.messages.map((m) => `shaders/${name}.wgsl:${m.lineNum}:${m.linePos}: ${m.type}: ${m.message}`);
    expect(messages, messages.join('\n')).toEqual([]);
  });
});
