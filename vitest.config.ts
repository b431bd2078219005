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
    // WATTRING_POLLER_NICE=0: test files run in parallel forks, and a fork whose JavaScript thread
    // sits at nice 19 (src/kernels/runtime/poller.ts) gets almost no CPU for its host-side work
    // (f64 references) while another fork's llvmpipe workers are busy (docs/measurements.md, "Tests:
    // poller thread at normal priority"). The poller's own test lowers its thread explicitly.
    env: { XDG_RUNTIME_DIR: process.env['XDG_RUNTIME_DIR'] ?? '/tmp', WATTRING_POLLER_NICE: '0' },
  },
});
