// No module in src/ imports itself through others, type-only imports included; the
// cycle finder is shown to catch cycles on small graphs first.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findCycles, importGraph, importSpecifiers } from '../support/import-graph.ts';

describe('cycle finder', () => {
  it('reports a three-module cycle and a self-import, and nothing on a DAG', () => {
    const cyclic = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts', 'd.ts']],
      ['d.ts', []],
      ['e.ts', ['e.ts']],
    ]);
    expect(findCycles(cyclic)).toEqual([
      ['a.ts', 'b.ts', 'c.ts', 'a.ts'],
      ['e.ts', 'e.ts'],
    ]);
    const dag = new Map([
      ['a.ts', ['b.ts', 'c.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', []],
    ]);
    expect(findCycles(dag)).toEqual([]);
  });

  it('reads static, type-only, re-export, side-effect and dynamic imports, not packages', () => {
    const source = [
      "import { a } from './a.ts';",
      "import type {\n  B,\n} from '../b.ts';",
      "export { c } from './c.ts';",
      "import './d.ts';",
      "const e = await import('./e.ts');",
      "import { f } from 'vitest';",
    ].join('\n');
    expect(importSpecifiers(source)).toEqual(['./a.ts', '../b.ts', './c.ts', './d.ts', './e.ts']);
  });
});

describe('src/', () => {
  it('has no import cycle', () => {
    const graph = importGraph(fileURLToPath(new URL('../../src/', import.meta.url)));
    expect(graph.size).toBeGreaterThan(50); // the walk found the tree
    expect(findCycles(graph).map((c) => c.join(' → '))).toEqual([]);
  });
});
