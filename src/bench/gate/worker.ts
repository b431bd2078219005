// The gate's measuring process, resident for the whole gate so it stays warm. It hosts every tree
// it is given (argv[2..]: the candidate's root and the reference's), each with its own modules,
// device, set-ups and scratch folder, so the gate can swap which process times which tree (a bias
// of one process — its device, its pipelines' machine code, its heap — then falls on both trees).
// It is always the candidate's harness, but it imports the measured code from each tree root
// through each stage's public entry, so the reference commit needs no gate code of its own.
// Protocol: one JSON request per stdin line, one JSON reply per stdout line
// (src/bench/gate/protocol.ts; `tree` picks the root by index). Run as
// `node --import tsx worker.ts <tree root> [<tree root> …]`.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { adapterClockReady, type ClockName, clockReader, openRecordingThreads } from './worker-clocks.ts';
import {
  get,
  type MeasureRequest,
  method,
  NotComparable,
  parseRequest,
  type Request,
  type SetupRequest,
  stringField,
} from './protocol.ts';

/** One metric's timed work: `sample(reps)` gives the seconds of one repetition, by `clock`. */
interface Probe {
  readonly clock: ClockName;
  readonly sample: (reps: number) => Promise<number>;
  /** `n` samples from one run of a stage that cannot be re-entered cheaply (training). */
  readonly many?: (n: number) => Promise<number[]>;
  readonly release?: () => void;
}

/** A probe timing `reps` back-to-back calls of `run` by `clock` (`threads`: the adapter clock's). */
function timed(
  clock: ClockName,
  run: () => Promise<void> | void,
  release?: () => void,
  threads?: ReadonlySet<string>,
): Probe {
  const read = clockReader(clock, threads);
  const sample = async (reps: number): Promise<number> => {
    const c0 = read();
    for (let k = 0; k < reps; k++) await run();
    return (read() - c0) / reps;
  };
  return release ? { clock, sample, release } : { clock, sample };
}

type Module = Record<string, unknown>;

const roots = process.argv.slice(2);

async function load(root: string, rel: string): Promise<Module> {
  const mod: unknown = await import(pathToFileURL(join(root, rel)).href);
  if (typeof mod !== 'object' || mod === null) throw new NotComparable(`${rel} is not a module`);
  return Object.fromEntries(Object.entries(mod));
}

/** The tree's exported function `name` of `rel`, or NotComparable naming what is missing. */
async function entry(root: string, rel: string, name: string): Promise<(...args: unknown[]) => unknown> {
  return method(await load(root, rel), name, rel);
}

/** One hosted tree: its root, its device (and that device's threads), set-ups and scratch folder. */
interface State {
  readonly root: string;
  /** The setup request, with `work` this tree's own scratch folder. */
  setup: SetupRequest;
  gpu: unknown;
  readonly threads: Set<string>;
  cases: Map<string, unknown>;
  probes: Map<string, Probe>;
  store: string | undefined;
}

async function openGpu(s: State): Promise<unknown> {
  if (s.gpu !== undefined) return s.gpu;
  const open = await entry(s.root, 'src/kernels/index.ts', 'openGpu');
  s.gpu = await openRecordingThreads(async () => await open(s.setup.adapter), s.threads);
  return s.gpu;
}

async function kernelCases(root: string): Promise<Map<string, unknown>> {
  const loaded = await (await entry(root, 'src/bench/kernels/load.ts', 'loadCases'))();
  const out = new Map<string, unknown>();
  if (!Array.isArray(loaded)) throw new NotComparable('src/bench/kernels/load.ts: loadCases() gave no list');
  for (const l of loaded) {
    const c = get(l, 'case');
    if (get(c, 'quick') === true) out.set(`${stringField(c, 'kernel')} ${stringField(c, 'shape')}`, c);
  }
  return out;
}

async function kernelProbe(s: State, name: string): Promise<Probe> {
  const c = s.cases.get(name);
  if (c === undefined) throw new NotComparable(`no quick kernel case '${name}' in this tree`);
  const gpu = await openGpu(s);
  const run = await method(c, 'setup', name)(gpu);
  const once = method(run, 'run', name);
  await once(); // the CPU Vulkan driver compiles pipelines on the first dispatch
  await once();
  const encode = get(run, 'encode');
  const cpuAdapter = adapterClockReady(s.threads);
  if (
    typeof encode === 'function' &&
    get(gpu, 'hasTimestamps') === true &&
    (!cpuAdapter || s.setup.kernelClock === 'timestamps')
  )
    return timestampProbe(s, gpu, run, name);
  // A CPU adapter: its threads' CPU seconds. A GPU without timestamp queries (or a case that cannot
  // record into an encoder): the wall clock of submit → done, which the pairing protects from drift.
  return timed(
    cpuAdapter ? 'adapter' : 'wall',
    async () => void (await once()),
    () => void method(run, 'destroy', name)(),
    s.threads,
  );
}

/**
 * A kernel case timed by the GPU's own clock: timestamp queries around one run's commands
 * (`createGpuTimer` of the tree's kernels stage, as `bench kernels` times a GPU), averaged over
 * `reps` runs. The GPU's time for the work excludes the host's encoding, submit and wake-up, which
 * on a GPU are most of a short kernel's wall time and none of its code.
 */
async function timestampProbe(s: State, gpu: unknown, run: unknown, name: string): Promise<Probe> {
  const timer = (await entry(s.root, 'src/kernels/index.ts', 'createGpuTimer'))(gpu, 'timestamp-query');
  if (get(timer, 'method') !== 'timestamp-query') throw new NotComparable(`${name}: no timestamp timer`);
  const time = method(timer, 'time', 'GpuTimer');
  const encode = get(run, 'encode');
  return {
    clock: 'gpu',
    sample: async (reps) => {
      let total = 0;
      for (let k = 0; k < reps; k++) total += Number(await time(encode));
      return total / reps;
    },
    release: () => {
      method(run, 'destroy', name)();
      method(timer, 'destroy', 'GpuTimer')();
    },
  };
}

/** Parse + validate of one EIA page (JSON → columns), as the extract's fetch path does it. */
async function ingestProbes(s: State): Promise<{ parse: () => unknown; write: () => void }> {
  const ingest = await load(s.root, 'src/ingest/index.ts');
  const schema = get(ingest, 'EnvelopeSchema');
  const parseEnvelope = method(schema, 'parse', 'EnvelopeSchema');
  const RowColumns = get(ingest, 'RowColumns');
  const newDicts = method(ingest, 'newDicts', 'src/ingest/index.ts');
  const parseRows = method(ingest, 'parseRows', 'src/ingest/index.ts');
  const encodeRawFile = method(ingest, 'encodeRawFile', 'src/ingest/index.ts');
  if (typeof RowColumns !== 'function') throw new NotComparable('src/ingest/index.ts has no RowColumns class');
  const text = readFileSync(s.setup.page, 'utf8');
  const parse = (): unknown => {
    const data = get(get(parseEnvelope(JSON.parse(text)), 'response'), 'data');
    const rows: unknown = Reflect.construct(RowColumns, [newDicts(), Array.isArray(data) ? data.length : 0]);
    parseRows(data, { seriesField: 'fueltype' }, rows);
    return rows;
  };
  const parsed = parse();
  const file = join(s.setup.work, 'page.arrow');
  const write = (): void => {
    const bytes = encodeRawFile(parsed, s.setup.pageMeta);
    if (!(bytes instanceof Uint8Array)) throw new NotComparable('encodeRawFile gave no bytes');
    writeFileSync(file, bytes);
  };
  return { parse, write };
}

function buildOptions(s: State, output: string): Record<string, unknown> {
  return { input: s.setup.raw, output, splits: s.setup.splits, window: { seqLen: s.setup.seqLen } };
}

async function featuresProbe(s: State): Promise<Probe> {
  const build = await entry(s.root, 'src/features/index.ts', 'buildFeatureStore');
  const out = join(s.setup.work, 'features-scratch');
  const run = (): void => {
    rmSync(out, { recursive: true, force: true });
    build(buildOptions(s, out));
  };
  run();
  // the JavaScript thread only: the build is single-threaded; V8's helpers and the kernel's
  // write-back threads are not the build's work (an A/A run on the whole process read 1.22 [1.02, 1.44])
  return timed('thread', run);
}

async function storeFor(s: State): Promise<string> {
  if (s.store) return s.store;
  const store = join(s.setup.work, 'store');
  rmSync(store, { recursive: true, force: true });
  (await entry(s.root, 'src/features/index.ts', 'buildFeatureStore'))(buildOptions(s, store));
  s.store = store;
  return store;
}

/**
 * Steps of each `train()` call not kept: compile, then JIT warm-up
 * (docs/measurements.md, "Gate: training warm-up steps not kept").
 */
const TRAIN_WARM_STEPS = 3;

/**
 * Steady training steps of `train --quick`: one `train()` call (the stage's stable public entry)
 * per batch; it compiles on its own device, so its first steps are not kept, and the process CPU
 * seconds between consecutive step lines are the samples. The gate runs both trees' calls at
 * once (duet, see paired.ts), pairing step i with step i. Checkpoints only after the last step.
 */
async function trainProbe(s: State): Promise<Probe> {
  const train = await entry(s.root, 'src/train/index.ts', 'train');
  const store = await storeFor(s);
  const clock = clockReader('process');
  let round = 0;
  const many = async (n: number): Promise<number[]> => {
    const out = join(s.setup.work, `train-${round++}`);
    const marks: number[] = [];
    const say = (line: string): void => {
      if (/^step\s+\d+\//.test(line)) marks.push(clock());
    };
    const steps = n + TRAIN_WARM_STEPS;
    const options = { ...s.setup.train, store, out, steps, checkpointEvery: steps };
    try {
      await train(options, s.setup.adapter, say);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
    if (marks.length !== steps)
      throw new NotComparable(`train() printed ${marks.length} step lines, expected ${steps}`);
    const kept = marks.slice(TRAIN_WARM_STEPS - 1);
    return kept.slice(1).map((m, i) => m - (kept[i] ?? m));
  };
  const sample = async (reps: number): Promise<number> => {
    const steps = await many(reps);
    return steps.reduce((a, b) => a + b, 0) / reps;
  };
  return { clock: 'process', sample, many };
}

async function probeFor(s: State, metric: string, fresh = false): Promise<Probe> {
  const have = s.probes.get(metric);
  if (have && !fresh) return have;
  have?.release?.();
  s.probes.delete(metric);
  const [stage, ...rest] = metric.split('.');
  const name = rest.join('.');
  let probe: Probe;
  if (stage === 'kernels') probe = await kernelProbe(s, name);
  else if (stage === 'ingest' && name === 'parse + validate') {
    const { parse } = await ingestProbes(s);
    probe = timed('thread', () => void parse());
  } else if (stage === 'ingest' && name === 'Arrow write') probe = timed('thread', (await ingestProbes(s)).write);
  else if (stage === 'features' && name === 'build') probe = await featuresProbe(s);
  else if (stage === 'train' && name === 'steady step') probe = await trainProbe(s);
  else throw new NotComparable(`unknown metric ${metric}`);
  s.probes.set(metric, probe);
  return probe;
}

async function measure(s: State, r: MeasureRequest): Promise<{ seconds: number[]; clock: ClockName }> {
  const probe = await probeFor(s, r.metric, r.fresh);
  const out: number[] = [];
  if (probe.many) return { seconds: await probe.many(r.samples), clock: probe.clock };
  for (let i = 0; i < r.samples; i++) out.push(await probe.sample(r.reps));
  return { seconds: out, clock: probe.clock };
}

function hosted(trees: readonly State[], index: number): State {
  const s = trees[index];
  if (!s) throw new Error(index === 0 && !trees.length ? 'setup must come first' : `no tree ${index} in this worker`);
  return s;
}

async function handle(trees: State[], r: Request): Promise<{ trees: State[]; reply: unknown }> {
  if (r.op === 'setup') {
    const out: State[] = [];
    for (const [i, root] of roots.entries()) {
      const setup = { ...r, work: join(r.work, `tree-${i}`) };
      mkdirSync(setup.work, { recursive: true });
      const cases = await kernelCases(root).catch(() => new Map<string, unknown>());
      out.push({ root, setup, gpu: undefined, threads: new Set(), cases, probes: new Map(), store: undefined });
    }
    return { trees: out, reply: { kernels: out.map((t) => [...t.cases.keys()]), pid: process.pid } };
  }
  if (r.op === 'measure') {
    const started = performance.now();
    const m = await measure(hosted(trees, r.tree), r);
    return { trees, reply: { ...m, wall: (performance.now() - started) / 1e3 } };
  }
  if (r.op === 'prepare') {
    // Sets up every metric of every hosted tree now (compiling its pipelines), while the other
    // worker does the same, so no pipeline is compiled between samples.
    const status: Record<string, string>[] = [];
    for (const s of trees) {
      const mine: Record<string, string> = {};
      for (const metric of r.metrics) {
        try {
          await probeFor(s, metric);
          mine[metric] = 'ok';
        } catch (error) {
          // the code first, as a failed request's reply has it: the lead tells a missing API from a failure
          mine[metric] = `${errorCode(error)}: ${error instanceof Error ? error.message : String(error)}`;
        }
      }
      status.push(mine);
    }
    return { trees, reply: { status } };
  }
  return { trees, reply: {} };
}

/** A failure's code in replies: a missing or changed API of the tree, or its code failing. */
function errorCode(error: unknown): 'NOT_COMPARABLE' | 'WORKER_ERROR' {
  return error instanceof NotComparable ? 'NOT_COMPARABLE' : 'WORKER_ERROR';
}

async function main(): Promise<void> {
  let trees: State[] = [];
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    if (!line.trim()) continue;
    let id = -1;
    try {
      const r = parseRequest(JSON.parse(line));
      id = r.id;
      if (r.op === 'quit') {
        process.stdout.write(`${JSON.stringify({ id, ok: true })}\n`);
        break;
      }
      const done = await handle(trees, r);
      trees = done.trees;
      process.stdout.write(`${JSON.stringify({ id, ok: true, ...Object(done.reply) })}\n`);
    } catch (error) {
      const code = errorCode(error);
      const message = error instanceof Error ? error.message : String(error);
      process.stdout.write(`${JSON.stringify({ id, ok: false, code, message })}\n`);
    }
  }
  for (const s of trees) for (const p of s.probes.values()) p.release?.();
  process.exit(0);
}

await main();
