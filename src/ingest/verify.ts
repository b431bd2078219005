// Checks landed files against the manifest (size and sha256 of the bytes written), so `--resume`
// and `bench verify` never trust a file that was deleted, truncated or changed after it landed.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { LandedWindow, Manifest } from './manifest.ts';

/** What is wrong with one landed file; `detail` says it in words a person can act on. */
export type FileProblem =
  | { readonly kind: 'missing'; readonly detail: string }
  | { readonly kind: 'truncated'; readonly detail: string; readonly bytes: number }
  | { readonly kind: 'altered'; readonly detail: string; readonly bytes: number }
  | { readonly kind: 'unreadable'; readonly detail: string };

export type FileCheck =
  | { readonly kind: 'ok'; readonly id: string; readonly file: string }
  | { readonly kind: 'bad'; readonly id: string; readonly file: string; readonly problem: FileProblem };

/** The manifest entry's file, checked: present, `bytes` long, and hashing to `sha256`. */
export function checkLandedFile(outDir: string, id: string, entry: LandedWindow): FileCheck {
  const problem = problemOf(outDir, entry);
  return problem === undefined ? { kind: 'ok', id, file: entry.file } : { kind: 'bad', id, file: entry.file, problem };
}

function problemOf(outDir: string, entry: LandedWindow): FileProblem | undefined {
  const path = resolve(outDir, entry.file);
  const inside = relative(resolve(outDir), path);
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) {
    return {
      kind: 'unreadable',
      detail: `the manifest names a path outside the folder (${JSON.stringify(entry.file)})`,
    };
  }
  let bytes: Buffer;
  try {
    if (!statSync(path).isFile()) return { kind: 'unreadable', detail: 'is not a regular file' };
    bytes = readFileSync(path);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return { kind: 'missing', detail: 'is missing' };
    return { kind: 'unreadable', detail: `cannot be read (${errorCode(error) ?? String(error)})` };
  }
  if (bytes.length < entry.bytes)
    return { kind: 'truncated', bytes: bytes.length, detail: `is truncated: ${bytes.length} of ${entry.bytes} bytes` };
  if (bytes.length > entry.bytes)
    return {
      kind: 'altered',
      bytes: bytes.length,
      detail: `was altered: ${bytes.length} bytes, the manifest says ${entry.bytes}`,
    };
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (sha256 !== entry.sha256)
    return {
      kind: 'altered',
      bytes: bytes.length,
      detail: `was altered: sha256 ${sha256.slice(0, 12)}…, the manifest says ${entry.sha256.slice(0, 12)}…`,
    };
  return undefined;
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}

export interface FolderCheck {
  /** One check per manifest entry, in window-id order. */
  readonly files: readonly FileCheck[];
  /** `.arrow` files under the folder the manifest does not list (readers of the folder would take them in). */
  readonly unlisted: readonly string[];
}

/** Checks every landed file of `manifest` and lists the Arrow files it does not know. */
export function checkLandedFolder(outDir: string, manifest: Manifest): FolderCheck {
  const ids = Object.keys(manifest.windows).sort();
  const files = ids.flatMap((id) => {
    const entry = manifest.windows[id];
    return entry ? [checkLandedFile(outDir, id, entry)] : [];
  });
  const listed = new Set(Object.values(manifest.windows).map((w) => w.file.split(sep).join('/')));
  const unlisted = arrowFiles(outDir).filter((f) => !listed.has(f));
  return { files, unlisted };
}

/** Every `*.arrow` file under `dir`, relative, with `/` separators, sorted. */
function arrowFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => f.split(sep).join('/'))
    .filter((f) => f.endsWith('.arrow') && statSync(join(dir, f)).isFile())
    .sort();
}
