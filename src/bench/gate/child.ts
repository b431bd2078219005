// Runs one `bench` subcommand as a child process (exactly what a user runs) and parses its --json.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { WattringError } from '../../core/index.ts';

const BIN = fileURLToPath(new URL('../../../bin/bench.mjs', import.meta.url));

export class GateStageError extends WattringError {
  constructor(message: string) {
    super('GATE_STAGE_FAILED', message);
  }
}

/** `bench <args> --json`; resolves with the parsed stdout, rejects naming the command and its stderr tail. */
export function benchJson(args: readonly string[]): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (status) => {
      const command = `bench ${args.join(' ')} --json`;
      if (status !== 0)
        return reject(
          new GateStageError(`${command} exited ${status}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`),
        );
      try {
        resolve(JSON.parse(stdout));
      } catch {
        reject(new GateStageError(`${command} printed no JSON on stdout`));
      }
    });
  });
}

/** Reads a number at a dotted path of a parsed report, or throws naming the path and the command. */
export function numberAt(report: unknown, path: string, command: string): number {
  let v: unknown = report;
  for (const key of path.split('.')) {
    v = typeof v === 'object' && v !== null ? Reflect.get(v, key) : undefined;
  }
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new GateStageError(
      `bench ${command} --json: field ${path} is ${JSON.stringify(v)}, expected a finite number`,
    );
  return v;
}
