// Test support: runs the real `bench` CLI in a child process (as a user would), and a child that
// is killed with SIGKILL once its stderr shows a line.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../../bin/bench.mjs', import.meta.url));

export interface BenchRun {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `bench ...args`; with `killAfter`, sends SIGKILL `delayMs` after stderr first matches it. */
export function runBench(args: readonly string[], killAfter?: { pattern: RegExp; delayMs: number }): Promise<BenchRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, CI: 'true' } });
    let stdout = '';
    let stderr = '';
    let armed = false;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (killAfter && !armed && killAfter.pattern.test(stderr)) {
        armed = true;
        setTimeout(() => child.kill('SIGKILL'), killAfter.delayMs);
      }
    });
    child.on('error', reject);
    child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr }));
  });
}
