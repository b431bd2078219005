// Dawn's informational warnings (`Warning: maxDynamic…BuffersPerPipelineLayout artificially
// reduced …`, printed by native code on every adapter open) never reach the user's terminal: bench
// relays adapter commands' stderr without them, `--verbose` shows them, errors and exit codes pass.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { dropDawnInfo, hideDawnInfo } from '../../src/core/index.ts';
import { isCpuAdapter } from '../../src/kernels/index.ts';
import { ADAPTER_COMMANDS, shouldRelay } from '../../src/bench/quiet-adapters.ts';
import { describeGpu } from '../support/gpu.ts';

const bin = fileURLToPath(new URL('../../bin/bench.mjs', import.meta.url));
const DAWN =
  'Warning: maxDynamicUniformBuffersPerPipelineLayout artificially reduced from 1000000 to 16 to fit dynamic offset ' +
  'allocation limit.\n';

function bench(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, XDG_RUNTIME_DIR: '/tmp' },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the Dawn line filter', () => {
  it("drops Dawn's warning lines and keeps everything else, partial lines included", () => {
    expect(dropDawnInfo(`vulkan: llvmpipe\n${DAWN}${DAWN}Error: device lost\nprogress 40%`)).toBe(
      'vulkan: llvmpipe\nError: device lost\nprogress 40%',
    );
    expect(dropDawnInfo('bench: --reps must be an integer >= 1 [RING_FLAG]\n')).toBe(
      'bench: --reps must be an integer >= 1 [RING_FLAG]\n',
    );
  });

  it('filters a relaying stream (as vitest relays its workers), strings and bytes alike', () => {
    const seen: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        seen.push(chunk.toString('utf8'));
        done();
      },
    });
    const undo = hideDawnInfo(sink);
    sink.write(`a\n${DAWN}`);
    sink.write(Buffer.from(`${DAWN}b\n`));
    undo();
    sink.write(DAWN);
    expect(seen.join('')).toBe(`a\nb\n${DAWN}`);
  });

  it('relays only adapter commands, and not with --verbose or inside the relay', () => {
    expect(shouldRelay(['ring', '--json'], {})).toBe(true);
    expect(shouldRelay(['ring', '--verbose'], {})).toBe(false);
    expect(shouldRelay(['extract', '--out', 'x'], {})).toBe(false); // kill -9 must hit the real process
    expect(shouldRelay(['ring'], { WATTRING_STDERR_RELAYED: '1' })).toBe(false);
  });

  it('lists every command that opens an adapter', () => {
    const dir = fileURLToPath(new URL('../../src/bench/commands/', import.meta.url));
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const source = readFileSync(`${dir}/${file}`, 'utf8');
      const name = /command:\s*'([\w-]+)/.exec(source)?.[1] ?? file;
      const opens = /\b(openGpu|listAdapters|measureRing|measureCase|train|forecastRun)\(/.test(source);
      expect(ADAPTER_COMMANDS.has(name), `${file} (${name}) opens an adapter: ${opens}`).toBe(opens);
    }
  });
});

describeGpu('bench adapters', (gpu) => {
  it('prints no Dawn warning; --verbose adds exactly the Dawn lines', () => {
    const quiet = bench(['adapters']);
    const verbose = bench(['adapters', '--verbose']);
    expect(quiet.status, quiet.stderr).toBe(0);
    expect(verbose.status, verbose.stderr).toBe(0);
    expect(`${quiet.stdout}${quiet.stderr}`).not.toMatch(/Warning: maxDynamic/);
    expect(quiet.stderr).toBe(dropDawnInfo(verbose.stderr));
    // lavapipe reports ~10^6 dynamic buffers, which Dawn clamps to 16 and announces.
    if (isCpuAdapter(gpu().adapter))
      expect(verbose.stderr).toMatch(/^Warning: maxDynamicUniformBuffersPerPipelineLayout artificially reduced/m);
  });

  it('still reports a usage error on stderr with its exit code through the relay', () => {
    const r = bench(['ring', '--ranks', '0', '--seq-len', '8']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^bench: .*\[RING_\w+\]$/m);
    expect(r.stderr).not.toMatch(/Warning: maxDynamic/);
  });
});
