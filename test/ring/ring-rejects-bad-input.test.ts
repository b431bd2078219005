// Bad ring input gets a clear error naming the flag or shape: R larger than T, an unknown layout
// or mode, inputs whose heads or head size do not match, a head size the kernels cannot run; and
// `bench ring` turns them into exit status 2.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { seededF32, UsageError } from '../../src/core/index.ts';
import { ShapeError } from '../../src/kernels/index.ts';
import { createRingAttention, createSharedTransport, planLayout, validateRingShape } from '../../src/ring/index.ts';
import { describeGpu } from '../support/gpu.ts';

describe('ring shape validation', () => {
  it('rejects R larger than T, naming the config fields', () => {
    expect(() => planLayout('zigzag', 3, 4)).toThrow(UsageError);
    expect(() => planLayout('zigzag', 3, 4)).toThrow(/RingConfig.ranks 4 is larger than RingConfig.seqLen 3/);
  });

  it('rejects an unknown layout, listing the known ones', () => {
    expect(() => validateRingShape(16, 2, 'spiral')).toThrow(
      /RingConfig.layout 'spiral' is unknown; expected one of contiguous, zigzag, striped/,
    );
  });

  it('rejects non-integer ranks and lengths', () => {
    expect(() => validateRingShape(16, 0, 'zigzag')).toThrow(/RingConfig.ranks must be a positive integer/);
    expect(() => validateRingShape(15.5, 2, 'zigzag')).toThrow(/RingConfig.seqLen must be a positive integer/);
  });

  it('names CLI flags when the CLI passes them', () => {
    const flags = { seqLen: '--seq-len', ranks: '--ranks', layout: '--layout' };
    expect(() => validateRingShape(3, 4, 'zigzag', flags)).toThrow(/--ranks 4 is larger than --seq-len 3/);
  });
});

describeGpu('ring input shapes', (gpu) => {
  const base = { seqLen: 16, ranks: 2, layout: 'zigzag', heads: 2, headDim: 8, causal: true } as const;

  it('rejects q/k/v whose length does not match [T, H, D] (mismatched heads), naming the tensor', async () => {
    const ring = await createRingAttention(createSharedTransport(gpu(), 2), base);
    try {
      const ok = seededF32(16 * 2 * 8, 1);
      const threeHeads = seededF32(16 * 3 * 8, 2);
      expect(() => ring.load({ q: ok, k: threeHeads, v: ok })).toThrow(ShapeError);
      expect(() => ring.load({ q: ok, k: threeHeads, v: ok })).toThrow(
        /k has 384 values, expected \[T=16, H=2, D=8\] = 256/,
      );
      expect(() => ring.loadGrad(seededF32(16 * 2 * 4, 3))).toThrow(/dO has 128 values/);
    } finally {
      ring.destroy();
    }
  });

  it('rejects a head size the kernels cannot run', async () => {
    await expect(createRingAttention(createSharedTransport(gpu(), 2), { ...base, headDim: 6 })).rejects.toThrow(
      /headDim 6 is unsupported/,
    );
  });

  it('rejects a transport with a different rank count', async () => {
    await expect(createRingAttention(createSharedTransport(gpu(), 3), base)).rejects.toThrow(
      /RingConfig.ranks 2 does not match the transport's 3 ranks/,
    );
  });
});

const bin = fileURLToPath(new URL('../../bin/bench.mjs', import.meta.url));

describe('bench ring bad flags', () => {
  it.each([
    [['--ranks', '9', '--seq-len', '8'], /--ranks 9 is larger than --seq-len 8/],
    [['--layout', 'spiral'], /--layout 'spiral' is unknown/],
    [['--mode', 'carrier-pigeon'], /--mode 'carrier-pigeon' is unknown/],
    [['--seq-len', '16', '--ranks', '2', '--head-dim', '6'], /headDim 6 is unsupported/],
  ])('bench ring %j exits 2 with a message naming it', (flags, message) => {
    const r = spawnSync(process.execPath, [bin, 'ring', ...flags], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
