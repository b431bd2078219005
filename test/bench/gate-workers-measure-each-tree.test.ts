// The gate's worker processes: each imports the measured code from the tree it is given, answers
// measure requests with positive seconds per repetition on the stated clock, and answers a metric
// its tree cannot measure with NOT_COMPARABLE rather than failing. Kernels are timed by the CPU
// adapter's threads, or by the GPU's timestamp queries (the clock a GPU gets) when asked.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { get } from '../../src/bench/gate/protocol.ts';
import { PAGE_META, QUICK_TRAIN, samplePage } from '../../src/bench/gate/paired-inputs.ts';
import { GateWorker } from '../../src/bench/gate/workers.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
let work = '';

/** The gate's setup request for a worker with scratch folder `name` (no extract: no feature or train metric). */
function setupRequest(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    op: 'setup',
    work: join(work, name),
    raw: join(work, 'no-raw'),
    page: join(work, 'page.json'),
    pageMeta: PAGE_META,
    splits: '',
    seqLen: 96,
    train: QUICK_TRAIN,
    adapter: {},
    ...extra,
  };
}
let worker: GateWorker;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'wattring-gate-worker-test-'));
  writeFileSync(join(work, 'page.json'), samplePage());
  worker = new GateWorker('candidate', root);
  await worker.ask(setupRequest('w'));
}, 60_000);

afterAll(async () => {
  await worker.close();
  rmSync(work, { recursive: true, force: true });
});

it('times the ingest parse of the given page by the JavaScript thread CPU clock', async () => {
  const body = await worker.ask({ op: 'measure', metric: 'ingest.parse + validate', reps: 2, samples: 3 });
  const seconds = get(body, 'seconds');
  expect(get(body, 'clock')).toBe('thread');
  expect(Array.isArray(seconds) && seconds.length).toBe(3);
  for (const s of Array.isArray(seconds) ? seconds : []) {
    expect(s).toBeGreaterThan(0);
    expect(s).toBeLessThan(5);
  }
}, 60_000);

it('answers NOT_COMPARABLE for what the tree lacks, and keeps serving', async () => {
  const missing = await worker.request({ op: 'measure', metric: 'kernels.no-such-kernel 1x1', reps: 1, samples: 1 });
  expect(missing).toMatchObject({ ok: false, code: 'NOT_COMPARABLE' });
  const noStore = await worker.request({ op: 'measure', metric: 'features.build', reps: 1, samples: 1 });
  expect(noStore.ok).toBe(false);
  const again = await worker.request({ op: 'measure', metric: 'ingest.Arrow write', reps: 1, samples: 1 });
  expect(again.ok).toBe(true);
}, 60_000);

it('hosts several trees, each timed on its own device by its tree index', async () => {
  const two = new GateWorker('two trees', root, root);
  try {
    await two.ask(setupRequest('two'));
    for (const tree of [0, 1]) {
      const body = await two.ask({ op: 'measure', tree, metric: 'kernels.gelu-fwd 8760x256', reps: 2, samples: 2 });
      const seconds = get(body, 'seconds');
      expect(Array.isArray(seconds) && seconds.length).toBe(2);
      for (const s of Array.isArray(seconds) ? seconds : []) expect(s).toBeGreaterThan(0);
    }
    const none = await two.request({ op: 'measure', tree: 2, metric: 'ingest.Arrow write', reps: 1, samples: 1 });
    expect(none).toMatchObject({ ok: false });
  } finally {
    await two.close();
  }
}, 180_000);

it('times a quick kernel case on the adapter', async () => {
  const body = await worker.ask({ op: 'measure', metric: 'kernels.gelu-fwd 8760x256', reps: 2, samples: 2 });
  const seconds = get(body, 'seconds');
  expect(['adapter', 'wall']).toContain(get(body, 'clock'));
  for (const s of Array.isArray(seconds) ? seconds : []) expect(s).toBeGreaterThan(0);
}, 120_000);

it('times a kernel case by the GPU clock (timestamp queries) when asked', async () => {
  const w = new GateWorker('timestamps', root);
  try {
    await w.ask(setupRequest('ts', { kernelClock: 'timestamps' }));
    const r = await w.request({ op: 'measure', metric: 'kernels.gelu-fwd 8760x256', reps: 3, samples: 2 });
    if (!r.ok) throw new Error(r.message);
    // Dawn offers timestamp-query on llvmpipe (CI) as on GPUs
    expect(get(r.body, 'clock')).toBe('gpu');
    const seconds = get(r.body, 'seconds');
    for (const s of Array.isArray(seconds) ? seconds : []) {
      expect(s).toBeGreaterThan(0);
      expect(s).toBeLessThan(5);
    }
  } finally {
    await w.close();
  }
}, 120_000);
