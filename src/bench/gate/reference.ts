// The reference build of `bench gate`: a commit recorded in bench/baselines/reference.json (the
// last accepted state of main), checked out into a temporary git worktree for the job. The
// candidate — the whole working tree — is judged against it, so a slowdown in any commit since
// the reference is seen, however many commits a submission has. Advanced only deliberately
// (`bench gate --advance-reference`), with the gate's verdict recorded beside the new commit.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { ExitCode, UsageError, WattringError, writeFileAtomicSync } from '../../core/index.ts';

export const REFERENCE_SCHEMA = 'wattring.bench.gate.reference/1';

const VerdictSchema = z.object({
  /** The reference the new one was judged against. */
  against: z.string(),
  passed: z.boolean(),
  regressed: z.array(z.string()),
  faster: z.array(z.string()),
  undecided: z.array(z.string()),
  notComparable: z.array(z.string()),
  /** Metrics the candidate's own code could not be timed on (absent in files written before it existed). */
  failed: z.array(z.string()).optional(),
  adapter: z.string(),
  minEffect: z.number(),
});
const EntrySchema = z.object({
  sha: z.string().regex(/^[0-9a-f]{40}$/, 'a full 40-hex commit id'),
  recordedAt: z.string().min(1),
  reason: z.string().min(1),
  verdict: VerdictSchema.nullable(),
});
const ReferenceSchema = EntrySchema.extend({
  schema: z.literal(REFERENCE_SCHEMA),
  /** Earlier references, newest first. */
  history: z.array(EntrySchema),
});
export type ReferenceFile = z.infer<typeof ReferenceSchema>;
export type ReferenceVerdict = z.infer<typeof VerdictSchema>;

export class GateReferenceError extends WattringError {
  constructor(code: string, message: string) {
    super(code, message, { exitCode: ExitCode.environment });
  }
}

export function readReference(file: string): ReferenceFile {
  if (!existsSync(file))
    throw new UsageError('GATE_REFERENCE_MISSING', `${file}: reference file not found; name a commit with --reference`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(
      'GATE_REFERENCE_JSON',
      `${file}: not valid JSON (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  const parsed = ReferenceSchema.safeParse(json);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    const path = i ? i.path.map(String).join('.') || '(root)' : '(root)';
    throw new UsageError(
      'GATE_REFERENCE_SCHEMA',
      `${file}: field ${path}: ${i?.message ?? 'invalid'} (schema ${REFERENCE_SCHEMA})`,
    );
  }
  return parsed.data;
}

/** Writes atomically (core's writeFileAtomicSync), so a failed write never leaves half a reference file. */
export function writeReference(file: string, ref: ReferenceFile): void {
  writeFileAtomicSync(file, `${JSON.stringify(ref, null, 2)}\n`);
}

function git(repo: string, args: readonly string[]): string {
  return execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

function gitOk(repo: string, args: readonly string[]): boolean {
  return spawnSync('git', ['-C', repo, ...args], { stdio: 'ignore' }).status === 0;
}

/** Full id of `rev` in `repo`, or a GateReferenceError saying how to get it. */
export function resolveCommit(repo: string, rev: string, where: string): string {
  if (!gitOk(repo, ['rev-parse', '--git-dir']))
    throw new GateReferenceError(
      'GATE_REFERENCE_NO_GIT',
      `${repo} is not a git checkout: the reference build (${where}) is checked out from its history`,
    );
  if (!gitOk(repo, ['cat-file', '-e', `${rev}^{commit}`]))
    throw new GateReferenceError(
      'GATE_REFERENCE_UNREACHABLE',
      `reference commit ${rev} (${where}) is not in this clone; ` +
        "fetch main's full history (git fetch --unshallow origin main)",
    );
  return git(repo, ['rev-parse', `${rev}^{commit}`]);
}

/** The candidate's HEAD, and whether its working tree differs from it (tracked files; out/ is ignored). */
export function headState(repo: string): { sha: string; clean: boolean } {
  const sha = resolveCommit(repo, 'HEAD', 'HEAD');
  return { sha, clean: git(repo, ['status', '--porcelain', '--untracked-files=no']) === '' };
}

export interface ReferenceTree {
  readonly root: string;
  readonly sha: string;
  readonly installed: 'shared node_modules' | 'npm ci' | 'given folder';
  close(): void;
}

/**
 * Checks `sha` out into a temporary worktree of `repo`. Its node_modules is the candidate's
 * (a symlink) when package-lock.json is the same; otherwise `npm ci` installs its own.
 */
export function checkoutReference(repo: string, sha: string, say: (line: string) => void): ReferenceTree {
  const root = mkdtempSync(join(tmpdir(), 'wattring-gate-reference-'));
  rmSync(root, { recursive: true, force: true });
  git(repo, ['worktree', 'add', '--detach', '--quiet', root, sha]);
  const close = (): void => {
    if (!gitOk(repo, ['worktree', 'remove', '--force', root])) {
      rmSync(root, { recursive: true, force: true });
      gitOk(repo, ['worktree', 'prune']);
    }
  };
  try {
    const lock = (dir: string): string =>
      existsSync(join(dir, 'package-lock.json')) ? readFileSync(join(dir, 'package-lock.json'), 'utf8') : '';
    const modules = join(repo, 'node_modules');
    if (lock(root) === lock(repo) && existsSync(modules) && statSync(modules).isDirectory()) {
      symlinkSync(realpathSync(modules), join(root, 'node_modules'), 'dir');
      return { root, sha, installed: 'shared node_modules', close };
    }
    say(`gate: reference ${sha.slice(0, 12)} has another package-lock.json: npm ci in ${root}`);
    const npm = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: ['ignore', 2, 2] });
    if (npm.status !== 0)
      throw new GateReferenceError(
        'GATE_REFERENCE_INSTALL',
        `npm ci for reference ${sha} in ${root} exited ${npm.status}`,
      );
    return { root, sha, installed: 'npm ci', close };
  } catch (error) {
    close();
    throw error;
  }
}

/** A folder given as --reference: used as it is (a second checkout, or the candidate itself for an A/A check). */
export function givenReference(dir: string): ReferenceTree {
  if (!existsSync(join(dir, 'src')))
    throw new UsageError('GATE_BAD_FLAG', `--reference ${dir}: a folder without src/, not a wattring tree`);
  return { root: realpathSync(dir), sha: 'folder', installed: 'given folder', close: () => {} };
}
