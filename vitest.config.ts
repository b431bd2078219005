// Test runner settings: GPU tests on the CPU Vulkan driver are slow, so timeouts are generous.
import { defineConfig } from 'vitest/config';
import { hideDawnInfo } from './src/core/index.ts';

// Workers' stderr (Dawn's native writes included) is relayed through this process's stderr: drop
// Dawn's informational warnings there, as bin/bench.mjs does (src/core/dawn-stderr.ts).
hideDawnInfo(process.stderr);

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    env: { XDG_RUNTIME_DIR: process.env['XDG_RUNTIME_DIR'] ?? '/tmp' },
  },
});
