// GPU timing reports seconds of real work (timestamp-query where the adapter has it), and adapters
// are chosen by backend or name with errors that list what exists.
import { expect, it } from 'vitest';
import { createGpuTimer, listAdapters, NoAdapterError, openGpu } from '../../src/kernels/index.ts';
import { describeGpu } from '../support/gpu.ts';

describeGpu('gpu timer', (gpu) => {
  it.each(['timestamp-query', 'wall'] as const)(
    '%s: times a 32 MiB copy within the host time around it',
    async (prefer) => {
      const g = gpu();
      const timer = createGpuTimer(g, prefer);
      expect(timer.method).toBe(prefer === 'timestamp-query' && g.hasTimestamps ? 'timestamp-query' : 'wall');
      const bytes = 32 << 20;
      const src = g.device.createBuffer({ size: bytes, usage: GPUBufferUsage.COPY_SRC });
      const dst = g.device.createBuffer({ size: bytes, usage: GPUBufferUsage.COPY_DST });
      const t0 = performance.now();
      const seconds = await timer.time((e) => e.copyBufferToBuffer(src, 0, dst, 0, bytes));
      const host = (performance.now() - t0) / 1e3;
      expect(seconds).toBeGreaterThan(0);
      expect(seconds).toBeLessThanOrEqual(host * 1.01 + 1e-3); // GPU time sits inside the host interval
      timer.destroy();
      src.destroy();
      dst.destroy();
    },
  );

  it('reads timestamps unquantised (Dawn would round them to multiples of 65,536 ns)', async (ctx) => {
    const g = gpu();
    // Skipped only on an adapter without `timestamp-query`: there is no GPU clock to quantise, and
    // the wall-clock timer (tested above) is what runs. llvmpipe, the CI adapter, has timestamps.
    ctx.skip(!g.hasTimestamps, 'adapter has no timestamp-query: no GPU clock to check');
    const timer = createGpuTimer(g, 'timestamp-query');
    const buf = g.device.createBuffer({ size: 4096, usage: GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
    const other = g.device.createBuffer({ size: 4096, usage: GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
    const ns: number[] = [];
    for (let i = 0; i < 8; i++)
      ns.push(Math.round((await timer.time((e) => e.copyBufferToBuffer(buf, 0, other, 0, 4096))) * 1e9));
    // Quantised, every reading is a multiple of 65,536 ns (most of them 0 for a copy this small).
    expect(ns.some((t) => t % 65536 !== 0)).toBe(true);
    timer.destroy();
    buf.destroy();
    other.destroy();
  });
});

describeGpu('adapter choice', (gpu) => {
  it('opens each listed adapter again by its backend', async () => {
    const listed = await listAdapters();
    expect(listed.map((a) => a.adapter.description)).toContain(gpu().adapter.description);
    for (const { backend, adapter } of listed) {
      const again = await openGpu({ backend });
      expect(again.backend).toBe(backend);
      expect(again.adapter.description).toBe(adapter.description);
      again.destroy();
    }
  });

  it('rejects an unknown backend and a name nothing matches, listing what exists', async () => {
    await expect(openGpu({ backend: 'vulkn' })).rejects.toThrow(
      /backend 'vulkn' is not a Dawn backend; expected one of vulkan/,
    );
    const error = await openGpu({ name: 'no-such-gpu-xyz' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoAdapterError);
    expect(String(error)).toContain(`no adapter matches name 'no-such-gpu-xyz'`);
    expect(String(error)).toContain(gpu().adapter.description);
  });
});
