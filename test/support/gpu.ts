// Runs GPU test suites once per WebGPU adapter present. With none, the suite is skipped with a
// printed reason locally, and fails under CI=true (CI must always have the CPU Vulkan driver).
import { afterAll, beforeAll, describe, it } from 'vitest';
import { dawnInstance, openGpu, type AdapterChoice, type Gpu } from '../../src/kernels/index.ts';

interface AdapterProbe {
  readonly label: string;
  readonly choice: AdapterChoice;
}

async function probeAdapters(): Promise<{ adapters: AdapterProbe[]; reason: string }> {
  const seen = new Set<string>();
  const adapters: AdapterProbe[] = [];
  let reason = 'requestAdapter() returned null';
  for (const powerPreference of ['high-performance', 'low-power'] as const) {
    try {
      const adapter = await dawnInstance().requestAdapter({ powerPreference });
      if (!adapter) continue;
      const label = adapter.info.description || `${adapter.info.vendor} ${adapter.info.device}`;
      if (seen.has(label)) continue;
      seen.add(label);
      adapters.push({ label, choice: { powerPreference, name: label } });
    } catch (error) {
      reason = error instanceof Error ? error.message : String(error);
    }
  }
  return { adapters, reason };
}

const probe = await probeAdapters();

/** The adapters GPU tests run on (labels), for tests that need to loop themselves. */
export const gpuAdapters: readonly string[] = probe.adapters.map((a) => a.label);

/**
 * Declares `body` once per adapter. `gpu()` returns that adapter's open device inside tests.
 * Example: describeGpu('matmul matches reference', (gpu) => { it('…', async () => { gpu().device … }) })
 */
export function describeGpu(name: string, body: (gpu: () => Gpu) => void): void {
  if (probe.adapters.length === 0) {
    const why = `no WebGPU adapter (${probe.reason}); run: bash scripts/setup-webgpu.sh`;
    if (process.env['CI'] === 'true') {
      describe(name, () => {
        it('has a WebGPU adapter (required under CI=true)', () => {
          throw new Error(why);
        });
      });
    } else {
      process.stderr.write(`SKIPPED GPU suite '${name}': ${why}\n`);
      // Skipped on purpose, and visibly: a developer machine without a WebGPU adapter (the GPU test rule in README.md);
      // under CI=true the branch above fails instead.
      describe.skip(`${name} (skipped: ${why})`, () =>
        body(() => {
          throw new Error('unreachable: suite skipped');
        }));
    }
    return;
  }
  for (const { label, choice } of probe.adapters) {
    describe(`${name} [${label}]`, () => {
      let opened: Gpu | undefined;
      beforeAll(async () => {
        opened = await openGpu(choice);
      });
      afterAll(() => opened?.destroy());
      body(() => {
        if (!opened) throw new Error(`adapter ${label} did not open`);
        return opened;
      });
    });
  }
}
