// Finds the benchmark cases: every src/bench/kernels/*.case.ts default-exports KernelBenchCase[].
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { WattringError } from '../../core/index.ts';
import type { KernelBenchCase } from './case.ts';

const casesDir = new URL('./', import.meta.url);

export interface LoadedCase {
  readonly file: string;
  readonly case: KernelBenchCase;
}

function isCase(value: unknown): value is KernelBenchCase {
  if (typeof value !== 'object' || value === null) return false;
  const c: Partial<Record<keyof KernelBenchCase, unknown>> = value;
  return typeof c.kernel === 'string' && typeof c.shape === 'string' && typeof c.setup === 'function';
}

/** Every timed case of every *.case.ts file, in file order then declaration order (`timed: false` ones are
 * the vitest suite's only). */
export async function loadCases(): Promise<LoadedCase[]> {
  const files = readdirSync(fileURLToPath(casesDir))
    .filter((f) => f.endsWith('.case.ts'))
    .sort();
  const loaded: LoadedCase[] = [];
  for (const file of files) {
    const mod: { default?: unknown } = await import(new URL(file, casesDir).href);
    if (!Array.isArray(mod.default) || !mod.default.every(isCase)) {
      throw new WattringError('BENCH_BAD_CASE_FILE', `src/bench/kernels/${file} must default-export KernelBenchCase[]`);
    }
    for (const c of mod.default) if (c.timed !== false) loaded.push({ file, case: c });
  }
  return loaded;
}

/** `--filter`: case-insensitive substring of `kernel shape` (e.g. `matmul`, `attention-fwd T8760`). */
export function matchesFilter(c: KernelBenchCase, filter: string | undefined): boolean {
  if (!filter) return true;
  return `${c.kernel} ${c.shape}`.toLowerCase().includes(filter.toLowerCase());
}
