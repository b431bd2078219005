// core's crash-safe write: the new bytes replace the old file whole, no temp file stays behind, and
// a write that fails part-way (the file-size limit of `ulimit -f`, which root cannot bypass) leaves
// the old file byte for byte and no temp file.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  commitTempFile,
  TEMP_SUFFIX,
  writeFileAtomic,
  writeFileAtomicSync,
  writeTempFile,
} from '../../src/core/index.ts';

const CORE = fileURLToPath(new URL('../../src/core/index.ts', import.meta.url));
const OLD = 'old contents\n';

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wattring-atomic-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `call` (sync or async writer) in a child whose file-size limit is 1 KiB, writing 64 KiB. */
function writeOverSizeLimit(file: string, call: 'writeFileAtomicSync' | 'writeFileAtomic') {
  const script = [
    `const core = await import(${JSON.stringify(CORE)});`,
    `try { await core.${call}(${JSON.stringify(file)}, Buffer.alloc(65536, 120)); console.log('written'); }`,
    "catch (e) { console.log('failed', e.code); }",
  ].join('\n');
  // SIGXFSZ ignored: the write returns EFBIG instead of killing the process.
  const command = `trap '' XFSZ; ulimit -f 1; exec "${process.execPath}" --import tsx --input-type=module -e "$0"`;
  return spawnSync('bash', ['-c', command, script], { encoding: 'utf8' });
}

describe('writeFileAtomicSync', () => {
  it('replaces an existing file whole, creates missing folders and leaves no temp file', () => {
    const file = join(dir, 'a', 'b', 'out.json');
    mkdirSync(join(dir, 'a', 'b'), { recursive: true });
    writeFileSync(file, OLD);
    writeFileAtomicSync(file, '{"new":true}\n');
    expect(readFileSync(file, 'utf8')).toBe('{"new":true}\n');
    writeFileAtomicSync(join(dir, 'c', 'd', 'bytes.bin'), new Uint8Array([1, 2, 3]));
    expect([...readFileSync(join(dir, 'c', 'd', 'bytes.bin'))]).toEqual([1, 2, 3]);
    expect(readdirSync(join(dir, 'a', 'b'))).toEqual(['out.json']);
  });

  it('throws and leaves the old file and no temp file when the write fails part-way', () => {
    const file = join(dir, 'out.bin');
    writeFileSync(file, OLD);
    const child = writeOverSizeLimit(file, 'writeFileAtomicSync');
    expect(child.stderr).toBe('');
    expect(child.stdout.trim()).toBe('failed EFBIG');
    expect(readFileSync(file, 'utf8')).toBe(OLD);
    expect(readdirSync(dir)).toEqual(['out.bin']);
  });

  it('throws and leaves the target when the rename cannot replace it (a folder is in the way)', () => {
    const target = join(dir, 'taken');
    mkdirSync(join(target, 'inside'), { recursive: true });
    expect(() => writeFileAtomicSync(target, 'x')).toThrow(/EISDIR|ENOTEMPTY|EEXIST/);
    expect(readdirSync(dir)).toEqual(['taken']);
    expect(readdirSync(target)).toEqual(['inside']);
  });
});

describe('writeFileAtomic (async)', () => {
  it('replaces an existing file whole; the two halves put a durable temp beside it, then rename it', async () => {
    const file = join(dir, 'manifest.json');
    writeFileSync(file, OLD);
    const temp = await writeTempFile(file, 'half\n');
    expect(temp.startsWith(`${file}.`) && temp.endsWith(TEMP_SUFFIX)).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe(OLD); // not yet committed
    await commitTempFile(temp, file);
    expect(readFileSync(file, 'utf8')).toBe('half\n');
    await writeFileAtomic(file, 'whole\n');
    expect(readFileSync(file, 'utf8')).toBe('whole\n');
    expect(readdirSync(dir)).toEqual(['manifest.json']);
  });

  it('rejects and leaves the old file and no temp file when the write fails part-way', () => {
    const file = join(dir, 'out.bin');
    writeFileSync(file, OLD);
    const child = writeOverSizeLimit(file, 'writeFileAtomic');
    expect(child.stderr).toBe('');
    expect(child.stdout.trim()).toBe('failed EFBIG');
    expect(readFileSync(file, 'utf8')).toBe(OLD);
    expect(readdirSync(dir)).toEqual(['out.bin']);
  });
});
