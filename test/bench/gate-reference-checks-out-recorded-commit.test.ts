// The gate's reference build: the commit recorded in the reference file is checked out into a
// temporary git worktree of a real repository, sharing node_modules when the lockfile is the same;
// a bad reference file names its field, an unreachable commit says how to fetch it.
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkoutReference,
  headState,
  readReference,
  REFERENCE_SCHEMA,
  type ReferenceFile,
  resolveCommit,
  writeReference,
} from '../../src/bench/gate/reference.ts';

let repo = '';
let first = '';
const git = (...args: string[]): string =>
  execFileSync('git', ['-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@localhost', ...args], {
    encoding: 'utf8',
  }).trim();

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), 'wattring-gate-ref-test-'));
  git('init', '--quiet');
  writeFileSync(join(repo, 'package-lock.json'), '{"lockfileVersion":3}\n');
  writeFileSync(join(repo, 'code.ts'), 'export const v = 1;\n');
  writeFileSync(join(repo, '.gitignore'), 'node_modules\n');
  mkdirSync(join(repo, 'node_modules'));
  git('add', '.');
  git('commit', '--quiet', '-m', 'first');
  first = git('rev-parse', 'HEAD');
  writeFileSync(join(repo, 'code.ts'), 'export const v = 2;\n');
  git('commit', '--quiet', '-am', 'second');
});

afterAll(() => rmSync(repo, { recursive: true, force: true }));

describe('reference build', () => {
  it('checks the recorded commit out beside the candidate and shares node_modules', () => {
    const tree = checkoutReference(repo, first, () => {});
    try {
      expect(readFileSync(join(tree.root, 'code.ts'), 'utf8')).toBe('export const v = 1;\n');
      expect(tree.installed).toBe('shared node_modules');
      expect(lstatSync(join(tree.root, 'node_modules')).isSymbolicLink()).toBe(true);
      expect(readFileSync(join(repo, 'code.ts'), 'utf8')).toBe('export const v = 2;\n');
    } finally {
      tree.close();
    }
    expect(existsSync(tree.root)).toBe(false);
    expect(git('worktree', 'list')).not.toContain(tree.root);
  });

  it('says how to get a commit this clone lacks', () => {
    expect(() => resolveCommit(repo, 'f'.repeat(40), 'ref.json field sha')).toThrow(
      expect.objectContaining({
        code: 'GATE_REFERENCE_UNREACHABLE',
        message: expect.stringContaining('ref.json field sha'),
      }),
    );
  });

  it('knows HEAD and whether the working tree is clean', () => {
    expect(headState(repo)).toEqual({ sha: git('rev-parse', 'HEAD'), clean: true });
    writeFileSync(join(repo, 'code.ts'), 'export const v = 3;\n');
    expect(headState(repo).clean).toBe(false);
    git('checkout', '--quiet', 'code.ts');
  });

  it('round-trips a reference file and names the bad field of a broken one', () => {
    const file = join(repo, 'reference.json');
    const ref: ReferenceFile = {
      schema: REFERENCE_SCHEMA,
      sha: first,
      recordedAt: 'now',
      reason: 'test',
      verdict: null,
      history: [],
    };
    writeReference(file, ref);
    expect(readReference(file)).toEqual(ref);
    writeFileSync(file, JSON.stringify({ ...ref, sha: 'abc' }));
    expect(() => readReference(file)).toThrow(/reference\.json: field sha: .*40-hex/);
    writeFileSync(file, '{');
    expect(() => readReference(file)).toThrow(expect.objectContaining({ code: 'GATE_REFERENCE_JSON' }));
  });
});
