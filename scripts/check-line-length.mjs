#!/usr/bin/env node
// Line-length cap for the tracked sources: Biome's formatter wraps code at its lineWidth (biome.json)
// but leaves long strings, template literals and comments as they are, so this check enforces the cap.
// Usage: node scripts/check-line-length.mjs [--max N] [folder|file ...]; exits 1 listing every line over.
import { execFileSync } from 'node:child_process';

const DEFAULT_FOLDERS = ['src', 'test', 'scripts', 'bin', 'shaders'];
const EXTENSIONS = /\.(ts|mts|cts|js|mjs|cjs|wgsl|sh)$/;

function parseArgs(argv) {
  const paths = [];
  let max = 120;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--max') {
      max = Number(argv[++i]);
      if (!Number.isInteger(max) || max <= 0) throw new Error(`--max: expected a positive integer, got ${argv[i]}`);
    } else if (arg === '--help' || arg === '-h') {
      process.stdout.write('Usage: node scripts/check-line-length.mjs [--max N] [folder|file ...]\n');
      process.exit(0);
    } else paths.push(arg);
  }
  return { max, paths: paths.length > 0 ? paths : DEFAULT_FOLDERS };
}

// Tracked files only (git ls-files), so build outputs and node_modules never count.
function trackedFiles(paths) {
  const out = execFileSync('git', ['ls-files', '-z', '--', ...paths], { encoding: 'utf8' });
  return out.split('\0').filter((f) => EXTENSIONS.test(f));
}

async function main() {
  const { max, paths } = parseArgs(process.argv.slice(2));
  const { readFileSync } = await import('node:fs');
  let over = 0;
  for (const file of trackedFiles(paths)) {
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((line, i) => {
      // Code points, not UTF-16 units: '×' or '≈' count as one character, as an editor shows them.
      const length = [...line].length;
      if (length > max) {
        over++;
        process.stderr.write(`${file}:${i + 1}: ${length} characters (cap ${max})\n`);
      }
    });
  }
  if (over > 0) {
    process.stderr.write(`${over} line(s) over ${max} characters\n`);
    process.exit(1);
  }
}

await main();
