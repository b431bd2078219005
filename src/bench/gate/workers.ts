// Spawns and talks to the gate's resident worker processes (worker.ts), each hosting the trees it is given.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { isDawnInfoLine } from '../../core/index.ts';
import { POLLER_NICE_ENV } from '../../kernels/index.ts';
import { get, ProtocolError } from './protocol.ts';

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));
const CANDIDATE_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export type Reply =
  | { readonly ok: true; readonly body: unknown }
  | { readonly ok: false; readonly code: string; readonly message: string };

export class GateWorker {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiting = new Map<number, (r: Reply) => void>();
  private nextId = 1;
  private stderrTail: string[] = [];
  private exited: string | undefined;

  /** `label` names the worker in messages; `roots` are the trees it hosts (measure's `tree` indexes them). */
  constructor(
    readonly label: string,
    ...roots: readonly string[]
  ) {
    // tsx from the candidate's node_modules runs the worker; the worker imports each root's sources.
    this.child = spawn(process.execPath, ['--import', 'tsx', WORKER, ...roots], {
      cwd: CANDIDATE_ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
      // Dawn's event poll keeps this process's priority: a worker that lowered its thread after its
      // first tree's device would start the second tree's adapter threads at nice 19 (they inherit
      // it), and the two trees would not be timed alike.
      env: { ...process.env, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? '/tmp', [POLLER_NICE_ENV]: '0' },
    });
    createInterface({ input: this.child.stdout }).on('line', (line) => this.onLine(line));
    createInterface({ input: this.child.stderr }).on('line', (line) => {
      if (isDawnInfoLine(line)) return;
      this.stderrTail = [...this.stderrTail.slice(-4), line];
    });
    this.child.on('exit', (code, signal) => {
      this.exited = `the ${label} worker exited (${signal ?? code}): ${this.stderrTail.join(' | ')}`;
      for (const resolve of this.waiting.values()) resolve({ ok: false, code: 'WORKER_EXITED', message: this.exited });
      this.waiting.clear();
    });
  }

  private onLine(line: string): void {
    let msg: unknown;
    try {
      msg = JSON.parse(line);
    } catch {
      return; // a stray line on stdout from the measured code; replies are JSON
    }
    const id = get(msg, 'id');
    const resolve = typeof id === 'number' ? this.waiting.get(id) : undefined;
    if (!resolve || typeof id !== 'number') return;
    this.waiting.delete(id);
    if (get(msg, 'ok') === true) resolve({ ok: true, body: msg });
    else resolve({ ok: false, code: String(get(msg, 'code')), message: String(get(msg, 'message')) });
  }

  request(body: Record<string, unknown>): Promise<Reply> {
    if (this.exited) return Promise.resolve({ ok: false, code: 'WORKER_EXITED', message: this.exited });
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.child.stdin.write(`${JSON.stringify({ ...body, id })}\n`);
    });
  }

  /** The reply's body, or a ProtocolError naming this worker. */
  async ask(body: Record<string, unknown>): Promise<unknown> {
    const r = await this.request(body);
    if (!r.ok) throw new ProtocolError(`${this.label} worker: ${r.code}: ${r.message}`);
    return r.body;
  }

  async close(): Promise<void> {
    if (this.exited) return;
    const done = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    void this.request({ op: 'quit' });
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await done;
    clearTimeout(timer);
  }
}
