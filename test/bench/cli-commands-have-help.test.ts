// Every `bench` subcommand answers --help with exit 0; unknown commands, flags and a flag given
// twice exit 2.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadCommands } from '../../src/bench/cli.ts';

const bin = fileURLToPath(new URL('../../bin/bench.mjs', import.meta.url));

function bench(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const commands = await loadCommands();

describe('bench CLI', () => {
  it('lists every discovered command in --help', () => {
    const r = bench(['--help']);
    expect(r.status).toBe(0);
    for (const c of commands) expect(r.stdout).toContain(c.command.split(' ')[0]);
  });

  it.each(commands.map((c) => c.command.split(' ')[0] ?? c.command))(
    '%s --help exits 0 and documents --json',
    (name) => {
      const r = bench([name, '--help']);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain('--json');
    },
  );

  it('exits 2 naming an unknown command', () => {
    const r = bench(['no-such-command']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('no-such-command');
  });

  it('exits 2 naming a single-valued flag given twice, and lets an array flag repeat', () => {
    const r = bench(['train', '--store', 'a', '--store', 'b', '--out', 'x']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--store was given 2 times');
    expect(r.stderr).not.toContain('unexpected error');
    const ok = bench(['features', '--in', 'no-such-a', '--in', 'no-such-b', '--out', 'x', '--split', 'a']);
    expect(ok.stderr).not.toContain('given 2 times');
    expect(ok.stderr).toContain('--split');
  });
});
