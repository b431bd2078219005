// Landing into one --out shared by every worker: Arrow files are written beside their final name
// first, then, under the cluster's manifest lock, the manifest is re-read from disk, a window that
// another worker has landed meanwhile is discarded, and the rest are renamed in and recorded.
import { statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { OutputError } from '../errors.ts';
import { MANIFEST_FILE, readManifest, type LandedWindow, type Manifest } from '../manifest.ts';
import { commitTempFile, writeFileAtomic, writeTempFile } from '../../core/index.ts';
import type { ClusterSession } from './session.ts';

export type LandResult = 'recorded' | 'duplicate';

/** Lands windows; the local writer and this shared one answer the same question the same way. */
export interface WindowLander {
  land(id: string, bytes: Uint8Array, entry: LandedWindow): Promise<LandResult>;
  /** True when the manifest (as last read) holds the window. */
  holds(id: string): boolean;
}

interface Pending {
  readonly id: string;
  readonly temp: string;
  readonly entry: LandedWindow;
  readonly resolve: (r: LandResult) => void;
  readonly reject: (e: unknown) => void;
}

export class SharedManifestLander implements WindowLander {
  private pending: Pending[] = [];
  private flushing: Promise<void> | undefined;
  /** Identity of the manifest file as last read or written here (each save renames a new file in). */
  private seen = '';

  constructor(
    private readonly outDir: string,
    /** Updated in place with every other worker's landings at each flush. */
    private readonly manifest: Manifest,
    private readonly session: ClusterSession,
    /** Windows this worker found damaged on --resume (id → the damaged entry's sha256): not taken back from disk. */
    private readonly damaged: ReadonlyMap<string, string> = new Map(),
  ) {}

  holds(id: string): boolean {
    return this.manifest.windows[id] !== undefined;
  }

  async land(id: string, bytes: Uint8Array, entry: LandedWindow): Promise<LandResult> {
    const temp = await writeTempFile(join(this.outDir, entry.file), bytes);
    try {
      return await new Promise<LandResult>((resolve, reject) => {
        this.pending.push({ id, temp, entry, resolve, reject });
        this.flushing ??= this.flush();
      });
    } finally {
      await rm(temp, { force: true });
    }
  }

  /** One lock per batch: landings that queue while a batch is written go in the next one. */
  private async flush(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending;
      this.pending = [];
      try {
        const results = await this.session.withManifestLock(() => this.commit(batch));
        batch.forEach((p, i) => {
          p.resolve(results[i] ?? 'duplicate');
        });
      } catch (error) {
        for (const p of batch) p.reject(error);
      }
    }
    this.flushing = undefined;
  }

  private async commit(batch: readonly Pending[]): Promise<LandResult[]> {
    this.mergeFromDisk();
    const results: LandResult[] = [];
    for (const p of batch) {
      if (this.manifest.windows[p.id]) {
        results.push('duplicate');
        continue;
      }
      await commitTempFile(p.temp, join(this.outDir, p.entry.file));
      this.manifest.windows[p.id] = p.entry;
      results.push('recorded');
    }
    if (results.includes('recorded')) {
      await writeFileAtomic(join(this.outDir, MANIFEST_FILE), `${JSON.stringify(this.manifest, null, 1)}\n`);
      this.seen = identityOf(join(this.outDir, MANIFEST_FILE));
    }
    return results;
  }

  /** Takes every window other workers recorded since the last read (theirs win: they landed first). */
  mergeFromDisk(): void {
    const identity = identityOf(join(this.outDir, MANIFEST_FILE));
    if (identity === this.seen) return;
    this.seen = identity;
    const disk = readManifest(this.outDir);
    if (!disk) return;
    if (disk.plan !== this.manifest.plan) {
      throw new OutputError(
        `${join(this.outDir, MANIFEST_FILE)} now holds plan ${disk.plan}, not this cluster's ${this.manifest.plan}; ` +
          `another run writes to this --out. Stop it, or use another --out.`,
      );
    }
    for (const [id, entry] of Object.entries(disk.windows)) {
      if (this.damaged.get(id) !== entry.sha256) this.manifest.windows[id] = entry;
    }
  }
}

/** Inode, size and change time in ns: an inode number alone can be reused by the next rename. */
function identityOf(path: string): string {
  try {
    const st = statSync(path, { bigint: true });
    return `${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
  } catch {
    return 'absent';
  }
}
