// `<out>/manifest.json`: which windows have landed (file, rows, hash) and the plan they belong to.
// Saved atomically after each file lands; a window is landed only once the manifest says so.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { OutputError } from './errors.ts';
import { writeFileAtomic } from '../core/index.ts';

export const MANIFEST_FILE = 'manifest.json';
export const MANIFEST_SCHEMA = 'wattring.manifest/1';

const LandedWindowSchema = z.object({
  /** EIA route, or CAISO report and market run (`SLD_FCST:DAM`). */
  route: z.string(),
  /** Path of the Arrow file relative to the out folder. */
  file: z.string(),
  start: z.string(),
  end: z.string(),
  respondents: z.array(z.string()),
  series: z.array(z.string()),
  rows: z.number().int().nonnegative(),
  nullValues: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
  sha256: z.string(),
  landedAt: z.string(),
});
export type LandedWindow = z.infer<typeof LandedWindowSchema>;

const ManifestSchema = z.object({
  schema: z.literal(MANIFEST_SCHEMA),
  source: z.enum(['eia', 'eia-sim', 'caiso', 'caiso-sim']),
  /** Plan fingerprint (plan.ts); --resume refuses a folder planned differently. */
  plan: z.string(),
  /** The plan's inputs as given, for people and for `--resume` without the original flags. */
  planInput: z.record(z.string(), z.unknown()),
  windows: z.record(z.string(), LandedWindowSchema),
});
export type Manifest = z.infer<typeof ManifestSchema>;

export function readManifest(outDir: string): Manifest | undefined {
  const path = join(outDir, MANIFEST_FILE);
  if (!existsSync(path)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new OutputError(
      `${path} is not valid JSON; it was not written by bench extract (or was edited). Move it away or use another ` +
        `--out.`,
      { cause: error },
    );
  }
  const parsed = ManifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new OutputError(
      `${path} is not a wattring manifest (at "${issue?.path.join('.') ?? ''}": ${issue?.message ?? ''}). Use ` +
        `another --out.`,
    );
  }
  return parsed.data;
}

/**
 * Serialises manifest saves so concurrent landings never interleave their writes, and coalesces
 * them: records that arrive while a save is running are all written by the next one.
 */
export class ManifestWriter {
  private running: Promise<void> = Promise.resolve();
  private pending: Promise<void> | undefined;

  constructor(
    readonly outDir: string,
    readonly manifest: Manifest,
  ) {}

  /** Records a landed window and saves the manifest (atomic); resolves once the entry is durable. */
  record(id: string, window: LandedWindow): Promise<void> {
    this.manifest.windows[id] = window;
    return this.save();
  }

  /** Saves the manifest; the text is taken when the save starts, so it holds every earlier record. */
  save(): Promise<void> {
    this.pending ??= this.running.then(() => {
      this.pending = undefined;
      const text = `${JSON.stringify(this.manifest, null, 1)}\n`;
      return writeFileAtomic(join(this.outDir, MANIFEST_FILE), text);
    });
    this.running = this.pending;
    return this.pending;
  }
}
