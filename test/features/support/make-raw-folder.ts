// Writes a synthetic raw folder for benchmarking `bench features` when no extract output exists:
//   npx tsx test/features/support/make-raw-folder.ts OUT [FROM_HOUR] [TO_HOUR] [RESPONDENTS]
// defaults: 2019-01-01T01 .. 2026-01-01T00, CISO,ERCO,MISO,PACW,PJM (demand, DF, 8 fuels, 1% nulls).
import { hourOf, writeSyntheticRaw } from './synthetic.ts';

const [out, from = '2019-01-01T01', to = '2026-01-01T00', respondents = 'CISO,ERCO,MISO,PACW,PJM'] =
  process.argv.slice(2);
if (out === undefined) {
  process.stderr.write('usage: make-raw-folder.ts OUT [FROM_HOUR] [TO_HOUR] [RESPONDENTS]\n');
  process.exit(2);
}
const started = Date.now();
const { files, rows } = writeSyntheticRaw(out, {
  respondents: respondents.split(','),
  firstHour: hourOf(from),
  lastHour: hourOf(to),
  nullRate: 0.01,
});
process.stderr.write(
  `wrote ${rows} rows in ${files} files to ${out} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`,
);
