// The baselines of `bench forecast` on real EIA-930 history, without a trained model: the shared
// CSV (period,respondent,type,value; docs in its README) is written as one raw region-data Arrow
// file, built into a feature store with the splits of issue 24 (train 2015-07-02…2017-06-30,
// validation 2017-07-01…2018-12-31, test 2019-01-01…2019-06-30), and evaluated on the test split
// with naive-24 h as the "model" (a point predictor, seqLen 48), so the table and the JSON give DF,
// the robust linear DF-correction baseline, naive-24 h and seasonal-naive on the same hours.
// Until `bench serve eia --data` replays such files through the EIA twin, this is the offline path.
// Usage: node_modules/.bin/tsx bench/real-baselines.mts CSV.gz OUT_DIR [--no-df] > table.txt
//   writes OUT_DIR/report.json (the evaluation report) and prints the table on stdout.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { buildFeatureStore, openFeatureStore, type FeatureStore } from '../src/features/index.ts';
import { evaluate, formatEvaluationTable, type Predictor } from '../src/train/evaluate/index.ts';
import { writeRawFile } from '../test/features/support/raw-writer.ts';

const [csv, out, flag] = process.argv.slice(2);
if (csv === undefined || out === undefined) {
  process.stderr.write('usage: tsx bench/real-baselines.mts CSV.gz OUT_DIR [--no-df]\n');
  process.exit(2);
}
const withDf = flag !== '--no-df';
const SPLITS = '2015-07-02..2017-06-30,2017-07-01..2018-12-31,2019-01-01..2019-06-30';
const SEQ = 48;

function writeRaw(file: string, dir: string): void {
  const lines = gunzipSync(readFileSync(file)).toString('utf8').trim().split('\n').slice(1);
  const keep = lines.map((l) => l.split(',')).filter(([, , type]) => type === 'D' || (withDf && type === 'DF'));
  const respondents = [...new Set(keep.map(([, r]) => r ?? ''))].sort();
  const codes = ['D', 'DF'];
  const n = keep.length;
  const rows = {
    periodMs: Float64Array.from(keep, ([p]) => Date.parse(`${p}:00:00Z`)),
    respondent: Int32Array.from(keep, ([, r]) => respondents.indexOf(r ?? '')),
    series: Int32Array.from(keep, ([, , t]) => codes.indexOf(t ?? '')),
    value: Float64Array.from(keep, ([, , , v]) => Number(v)),
    respondents,
    seriesCodes: codes,
  };
  writeRawFile(join(dir, 'region-data.arrow'), rows, { route: 'region-data', source: 'eia' });
  process.stderr.write(`${n} rows of ${respondents.join(', ')} written\n`);
}

/** Normalised demand 24 h before each target: naive-24 h as a point Predictor. */
function naive24(store: FeatureStore): Predictor {
  return {
    seqLen: SEQ,
    quantiles: [0.5],
    predict(respondent, start) {
      const r = store.respondents.find((x) => x.code === respondent);
      const o = new Float32Array(SEQ * 24);
      for (let p = 0; p < SEQ; p++)
        for (let h = 1; h <= 24; h++) o[p * 24 + h - 1] = r?.target[start + p + h - 24] ?? 0;
      return Promise.resolve(o);
    },
  };
}

writeRaw(csv, join(out, 'raw'));
buildFeatureStore({
  input: join(out, 'raw'),
  output: join(out, 'store'),
  splits: SPLITS,
  window: { seqLen: 336, stride: 24, horizon: 24 },
});
const store = openFeatureStore(join(out, 'store'));
const started = performance.now();
const e = await evaluate(store, naive24(store), { split: 'test', onProgress: (m) => process.stderr.write(`${m}\n`) });
process.stderr.write(`evaluated in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
writeFileSync(join(out, 'report.json'), `${JSON.stringify(e.report, null, 2)}\n`);
process.stdout.write(formatEvaluationTable(e));
