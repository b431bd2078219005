// The import graph of a TypeScript source tree (relative specifiers only, type-only imports
// included: a cycle of types is still a cycle between modules) and the cycles in it.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** Module → the modules it imports (paths relative to the tree's root). */
export type ImportGraph = ReadonlyMap<string, readonly string[]>;

const STATIC = /(?:^|\n)[ \t]*(?:import|export)\b[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/g;
const BARE = /(?:^|\n)[ \t]*import\s*['"]([^'"]+)['"]/g;
const DYNAMIC = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

/** The relative specifiers `source` imports or re-exports (static, side-effect and literal dynamic). */
export function importSpecifiers(source: string): string[] {
  const found: string[] = [];
  for (const re of [STATIC, BARE, DYNAMIC]) {
    for (const m of source.matchAll(re)) if (m[1]?.startsWith('.')) found.push(m[1]);
  }
  return found;
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return tsFiles(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The graph of every .ts file under `root`. */
export function importGraph(root: string): ImportGraph {
  const graph = new Map<string, string[]>();
  for (const file of tsFiles(root)) {
    const deps = importSpecifiers(readFileSync(file, 'utf8')).map((s) => relative(root, resolve(dirname(file), s)));
    graph.set(relative(root, file), [...new Set(deps)]);
  }
  return graph;
}

/**
 * Every elementary cycle found by a depth-first walk (one per back edge), each as a path that starts
 * and ends at the same module, e.g. ['a.ts', 'b.ts', 'a.ts']. Empty when the graph is acyclic.
 */
export function findCycles(graph: ImportGraph): string[][] {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (node: string): void => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      const s = state.get(next);
      if (s === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (s === undefined) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of [...graph.keys()].sort()) if (!state.has(node)) visit(node);
  return cycles;
}
