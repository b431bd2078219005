// Every op follows the one kernel pattern (docs/kernels.md, "One pattern for every op"): its
// uniforms are ParamStructs checked against the shader's struct, and it records work only through
// the runtime's encodePass, which caches bind groups by buffer identity. So no module outside
// src/kernels/runtime/ creates a bind group or an untyped uniform buffer, or records a dispatch
// itself (the gate's dispatch counter, which wraps the dispatch methods, is the one exception).
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return e.name.endsWith('.ts') ? [path] : [];
  });
}

/** Calls only the runtime may make, and why. */
const RUNTIME_ONLY: readonly (readonly [RegExp, string])[] = [
  [/\.createBindGroup\(/, 'bind groups are created by runtime/bind-groups.ts (cached by buffer identity)'],
  [/\bcreateUniformBuffer\(|\buniformLayout\(/, 'uniforms come from a ParamStruct (UniformCache, paramBuffer)'],
  [/\.setBindGroup\(|\.dispatchWorkgroups\(/, 'dispatches are recorded by encodePass'],
];

/** Files allowed a call, with the reason. */
const EXEMPT: Readonly<Record<string, string>> = {
  'src/bench/gate/kernels.ts': 'counts dispatches by wrapping dispatchWorkgroups',
};

/** Occurrences of runtime-only calls in `text`, as `pattern: reason` lines. */
function violations(text: string): string[] {
  const code = text.replace(/\/\/[^\n]*/g, '');
  return RUNTIME_ONLY.filter(([pattern]) => pattern.test(code)).map(([p, why]) => `${p.source}: ${why}`);
}

describe('one kernel pattern', () => {
  it('flags a module that binds or dispatches by itself', () => {
    expect(violations('pass.setBindGroup(0, device.createBindGroup({ layout, entries }));')).toHaveLength(2);
    expect(violations("const u = createUniformBuffer(gpu, uniformLayout('gelu', 'GeluParams'), v);")).toHaveLength(1);
    expect(violations('encodePass(gpu, encoder, label, [spec]); // not pass.dispatchWorkgroups(1)')).toEqual([]);
  });

  it('no module outside src/kernels/runtime creates bind groups, untyped uniforms or dispatches', () => {
    const found = sources(join(root, 'src'))
      .map((path) => relative(root, path))
      .filter((file) => !file.startsWith('src/kernels/runtime/') && EXEMPT[file] === undefined)
      .flatMap((file) => violations(readFileSync(join(root, file), 'utf8')).map((v) => `${file}: ${v}`));
    expect(found).toEqual([]);
  });

  it('every op module records its work through encodePass', () => {
    const ops = join(root, 'src/kernels/ops');
    const dispatching = readdirSync(ops).filter((f) => f.endsWith('.ts') && !f.endsWith('.ref.ts'));
    const encoders = dispatching.filter((f) => /\bencodePass\(/.test(readFileSync(join(ops, f), 'utf8')));
    // Each kernel's dispatching module (helpers such as attention-types.ts have none).
    expect(encoders.sort()).toEqual(
      [
        'adamw.ts',
        'attention-encode.ts',
        'bias-add.ts',
        'column-sum.ts',
        'gelu.ts',
        'gradnorm.ts',
        'layernorm.ts',
        'matmul.ts',
        'mse.ts',
        'pinball.ts',
        'residual-add.ts',
      ].sort(),
    );
  });
});
