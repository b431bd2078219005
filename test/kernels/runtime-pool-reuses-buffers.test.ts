// The buffer pool hands released buffers back out by size class and accounts every byte.
import { describe, expect, it } from 'vitest';
import { sizeClass } from '../../src/kernels/index.ts';
import { describeGpu } from '../support/gpu.ts';

describe('size classes', () => {
  it('round up by at most 25 % above 256 bytes', () => {
    expect(sizeClass(0)).toBe(256);
    expect(sizeClass(256)).toBe(256);
    expect(sizeClass(257)).toBe(320);
    expect(sizeClass(1024)).toBe(1024);
    expect(sizeClass(1025)).toBe(1280);
    for (let bytes = 1; bytes < 1e8; bytes = Math.ceil(bytes * 1.37)) {
      const c = sizeClass(bytes);
      expect(c).toBeGreaterThanOrEqual(bytes);
      expect(c).toBeLessThanOrEqual(Math.max(256, bytes * 1.25));
    }
    expect(() => sizeClass(-1)).toThrow(/-1 is not a byte count/);
  });
});

describeGpu('buffer pool', (gpu) => {
  it('reuses a released buffer of the same class and usage, and counts bytes', () => {
    const pool = gpu().pool;
    const before = pool.stats();
    const a = pool.acquire(1000);
    expect(a.size).toBe(1024);
    pool.release(a);
    const b = pool.acquire(900); // same class (1024)
    expect(b).toBe(a);
    const c = pool.acquire(5000);
    expect(c).not.toBe(a);
    const after = pool.stats();
    expect(after.reuses - before.reuses).toBe(1);
    expect(after.buffersCreated - before.buffersCreated).toBe(2);
    expect(after.inUseBytes - before.inUseBytes).toBe(1024 + sizeClass(5000));
    pool.release(b);
    pool.release(c);
    expect(() => pool.release(c)).toThrow(/already released/);
    expect(pool.stats().inUseBytes).toBe(before.inUseBytes);
  });

  it('does not mix usages, and trim() destroys only free buffers', () => {
    const pool = gpu().pool;
    const uniform = GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST;
    const s = pool.acquire(512);
    pool.release(s);
    const u = pool.acquire(512, uniform);
    expect(u).not.toBe(s);
    expect(u.usage).toBe(uniform);
    const held = pool.stats().allocatedBytes;
    const freed = pool.trim();
    expect(freed).toBeGreaterThanOrEqual(512);
    expect(pool.stats().allocatedBytes).toBe(held - freed);
    pool.release(u);
    expect(() => pool.release(gpu().device.createBuffer({ size: 4, usage: uniform }))).toThrow(/does not belong/);
  });
});
