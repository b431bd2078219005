// The kernels stage of `bench gate`'s counts and quality, in-process on the gate's adapter: every
// quick kernel case's error vs its reference and its compute dispatches per run (counted). Its
// time is judged in pairs against the reference build (paired.ts), not here.
import type { Gpu } from '../../kernels/index.ts';
import type { KernelBenchCase } from '../kernels/case.ts';
import { loadCases } from '../kernels/load.ts';
import { metric, type Measurement } from './metric.ts';

type DispatchMethods = Pick<GPUComputePassEncoder, 'dispatchWorkgroups' | 'dispatchWorkgroupsIndirect'>;
const counters = new Set<DispatchCounter>();
const wrapped = new WeakSet<object>();

/** Wraps the adapter's GPUComputePassEncoder dispatch methods once per prototype; every counter sees every call. */
function wrapDispatches(proto: DispatchMethods): void {
  if (wrapped.has(proto)) return;
  wrapped.add(proto);
  const direct = proto.dispatchWorkgroups;
  const indirect = proto.dispatchWorkgroupsIndirect;
  proto.dispatchWorkgroups = function (
    this: GPUComputePassEncoder,
    ...args: Parameters<GPUComputePassEncoder['dispatchWorkgroups']>
  ) {
    for (const c of counters) c.count++;
    return direct.apply(this, args);
  };
  proto.dispatchWorkgroupsIndirect = function (
    this: GPUComputePassEncoder,
    ...args: Parameters<GPUComputePassEncoder['dispatchWorkgroupsIndirect']>
  ) {
    for (const c of counters) c.count++;
    return indirect.apply(this, args);
  };
}

/** Counts compute dispatches (dispatchWorkgroups and its indirect form) recorded on the adapter. */
export class DispatchCounter {
  count = 0;
  constructor(gpu: Gpu) {
    const pass = gpu.device.createCommandEncoder().beginComputePass();
    const proto: DispatchMethods = Object.getPrototypeOf(pass);
    pass.end();
    wrapDispatches(proto);
    counters.add(this);
  }
}

export async function quickCases(): Promise<KernelBenchCase[]> {
  return (await loadCases()).map((l) => l.case).filter((c) => c.quick);
}

/** Measures one case: warm-up, one counted run, the reference check. */
async function measureOne(gpu: Gpu, counter: DispatchCounter, c: KernelBenchCase): Promise<Measurement[]> {
  const name = `${c.kernel} ${c.shape}`;
  const run = await c.setup(gpu);
  try {
    await run.run(); // warm-up: the CPU Vulkan driver compiles pipelines on first dispatch
    const before = counter.count;
    await run.run();
    const dispatches = counter.count - before;
    const check = await run.check();
    return [
      metric('kernels', `${name}.error`, 'quality', 'lower', 'max |gpu − ref|', check.maxAbsError),
      metric('kernels', `${name}.within tolerance`, 'quality', 'exact', '1 = yes', check.withinTolerance ? 1 : 0),
      metric('kernels', `${name}.dispatches`, 'count', 'exact', 'dispatches/run', dispatches),
      metric('kernels', `${name}.allocated`, 'count', 'lower', 'bytes', run.allocatedBytes),
    ];
  } finally {
    run.destroy();
  }
}

/** Every quick case (or those named in `only`); a case that throws fails the whole stage. */
export async function kernelsStage(
  gpu: Gpu,
  counter: DispatchCounter,
  only?: ReadonlySet<string>,
): Promise<Measurement[]> {
  const out: Measurement[] = [];
  for (const c of await quickCases()) {
    if (only && !only.has(`${c.kernel} ${c.shape}`)) continue;
    process.stderr.write(`gate: kernels ${c.kernel} ${c.shape} …\n`);
    out.push(...(await measureOne(gpu, counter, c)));
  }
  return out;
}
