// One rank of a multi-process ring, for the tests: joins the run through the Redis rendezvous,
// runs forward and backward through the device-side API on its own rows of seeded inputs, and
// writes its rows of O, lse, dQ, dK, dV and its log to a JSON file.
// Usage: node --import tsx ring-rank.ts '<json options>'
import { writeFileSync } from 'node:fs';
import { readF32, uploadF32, zerosF32 } from '../../../src/kernels/index.ts';
import { createRingAttention, openProcessTransport, shardRows, type RingLayoutKind } from '../../../src/ring/index.ts';
import { caseInputs } from '../support.ts';

interface RankArgs {
  readonly rank: number;
  readonly world: number;
  readonly url: string;
  readonly runId: string;
  readonly T: number;
  readonly H: number;
  readonly D: number;
  readonly layout: RingLayoutKind;
  readonly causal: boolean;
  readonly seed: number;
  readonly out: string;
}

const a: RankArgs = JSON.parse(process.argv[2] ?? '{}');
const transport = await openProcessTransport({
  rank: a.rank,
  world: a.world,
  rendezvous: new URL(a.url),
  runId: a.runId,
  joinTimeoutMs: 120_000,
});
let failure: unknown;
try {
  const gpu = transport.gpu(a.rank);
  const config = { seqLen: a.T, ranks: a.world, layout: a.layout, heads: a.H, headDim: a.D, causal: a.causal };
  const ring = await createRingAttention(transport, config);
  const x = caseInputs({ T: a.T, H: a.H, D: a.D, seed: a.seed });
  const width = a.H * a.D;
  const mine = (data: Float32Array, w: number): Float32Array => {
    const segs = shardRows(ring.layout, data, w)[a.rank] ?? [];
    const out = new Float32Array(segs.reduce((n, s) => n + s.length, 0));
    let off = 0;
    for (const s of segs) {
      out.set(s, off);
      off += s.length;
    }
    return out;
  };
  const n = ring.rowsPerRank * width;
  const io = {
    q: uploadF32(gpu, mine(x.q, width), 'q'),
    k: uploadF32(gpu, mine(x.k, width), 'k'),
    v: uploadF32(gpu, mine(x.v, width), 'v'),
    o: zerosF32(gpu, n, 'o'),
    lse: zerosF32(gpu, ring.rowsPerRank * a.H, 'lse'),
    dO: uploadF32(gpu, mine(x.dO, width), 'dO'),
    dq: zerosF32(gpu, n, 'dq'),
    dk: zerosF32(gpu, n, 'dk'),
    dv: zerosF32(gpu, n, 'dv'),
  };
  const forwardLog = await ring.forwardOn([io]);
  const backwardLog = await ring.backwardOn([io]);
  const read = async (b: GPUBuffer, count: number): Promise<string> =>
    Buffer.from((await readF32(gpu, b, count)).buffer).toString('base64');
  writeFileSync(
    a.out,
    JSON.stringify({
      rank: a.rank,
      o: await read(io.o, n),
      lse: await read(io.lse, ring.rowsPerRank * a.H),
      dq: await read(io.dq, n),
      dk: await read(io.dk, n),
      dv: await read(io.dv, n),
      log: [...forwardLog, ...backwardLog],
      stagingBytes: transport.stagingBytes(a.rank),
    }),
  );
  ring.destroy();
} catch (error) {
  failure = error;
  throw error;
} finally {
  await transport.close(failure === undefined ? undefined : String(failure));
}
process.exit(0);
