// `bench verify`: checks a folder written by `bench extract` against its manifest (each landed
// file's size and sha256) and names every missing, truncated, altered or unlisted file.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Argv } from 'yargs';
import { ExitCode, UsageError } from '../../core/index.ts';
import { checkLandedFolder, MANIFEST_FILE, readManifest, type FolderCheck } from '../../ingest/index.ts';
import { defineCommand } from '../command.ts';

interface VerifyArgs {
  out: string;
}

interface BadFile {
  readonly id: string | undefined;
  readonly file: string;
  readonly problem: 'missing' | 'truncated' | 'altered' | 'unreadable' | 'unlisted';
  readonly detail: string;
}

export interface VerifyReport {
  readonly out: string;
  readonly verdict: 'ok' | 'damaged';
  /** Files the manifest lists, and how many of them match it. */
  readonly listed: number;
  readonly intact: number;
  readonly bad: readonly BadFile[];
}

function report(out: string, check: FolderCheck): VerifyReport {
  const damaged: BadFile[] = check.files.flatMap((f) =>
    f.kind === 'bad' ? [{ id: f.id, file: f.file, problem: f.problem.kind, detail: f.problem.detail }] : [],
  );
  const unlisted: BadFile[] = check.unlisted.map((file) => ({
    id: undefined,
    file,
    problem: 'unlisted',
    detail:
      'is not in the manifest, so nothing vouches for it (readers of the folder still take it in): --resume ' +
      'replaces one a killed run left before recording it; otherwise remove it',
  }));
  const bad = [...damaged, ...unlisted];
  return {
    out,
    verdict: bad.length === 0 ? 'ok' : 'damaged',
    listed: check.files.length,
    intact: check.files.length - damaged.length,
    bad,
  };
}

function human(r: VerifyReport): string {
  const lines = r.bad.map((b) => `bench verify: ${b.file}${b.id === undefined ? '' : ` (window ${b.id})`} ${b.detail}`);
  const by = (p: BadFile['problem']): number => r.bad.filter((b) => b.problem === p).length;
  lines.push(
    `verify ${r.out}: ${r.listed} landed files, ${r.intact} intact; missing ${by('missing')}, truncated ` +
      `${by('truncated')}, altered ${by('altered')}, unreadable ${by('unreadable')}, unlisted ${by('unlisted')}`,
  );
  if (r.listed > r.intact)
    lines.push(
      `bench verify: run bench extract --resume --out ${r.out} with the run's original flags to fetch the damaged ` +
        `windows again`,
    );
  return `${lines.join('\n')}\n`;
}

export default defineCommand<VerifyArgs>({
  command: 'verify',
  describe:
    'Check a folder written by bench extract against its manifest (size + sha256 of every landed file); exit 1 ' +
    'naming each bad file',
  builder: (y: Argv) =>
    y
      .option('out', {
        type: 'string',
        demandOption: true,
        describe: 'The --out folder of a bench extract run (holds manifest.json)',
      })
      .example('$0 verify --out out/q1', 'exit 0 when every landed file matches the manifest'),
  run: async (args) => {
    const out = resolve(args.out);
    if (!existsSync(join(out, MANIFEST_FILE))) {
      throw new UsageError(
        'VERIFY_NO_MANIFEST',
        `--out ${args.out}: no ${MANIFEST_FILE} there; point --out at a folder bench extract wrote`,
      );
    }
    const manifest = readManifest(out);
    if (manifest === undefined)
      throw new UsageError(
        'VERIFY_NO_MANIFEST',
        `--out ${args.out}: ${MANIFEST_FILE} vanished while reading it; try again`,
      );
    const r = report(args.out, checkLandedFolder(out, manifest));
    process.stderr.write(human(r));
    if (args.json) process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
    return r.verdict === 'ok' ? ExitCode.ok : ExitCode.failed;
  },
});
