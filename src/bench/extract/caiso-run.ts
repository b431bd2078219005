// Runs one configured CAISO extract: starts the embedded simulated twin when no base URL is given,
// and returns the same summary and exit status as an EIA run.
import { runCaisoExtract, startCaisoSimServer, type CaisoSimServer, type Progress } from '../../ingest/index.ts';
import type { CaisoExtractConfig } from './caiso-config.ts';
import { summarise } from './report.ts';
import { progressLine, verdict, type RunHooks, type RunOutcome } from './run.ts';

export async function runCaisoConfigured(config: CaisoExtractConfig, hooks: RunHooks = {}): Promise<RunOutcome> {
  const log = hooks.log ?? (() => {});
  let sim: CaisoSimServer | undefined;
  let baseUrl = config.baseUrl;
  if (baseUrl === undefined) {
    sim = await startCaisoSimServer({
      seed: config.seed,
      timeScale: config.timeScale,
      faults: config.faults,
      rateLimitPerHour: 720,
      burstPerSecond: 1,
      latencyMedianMs: config.latencyMs,
    });
    baseUrl = sim.url;
    log(
      `bench extract: no --base-url given: started the embedded simulated CAISO twin at ${sim.url} (one request per ` +
        `5 s, time scale ${config.timeScale})`,
    );
  }
  const source = sim ? 'caiso-sim' : 'caiso';
  try {
    const result = await runCaisoExtract({
      source,
      baseUrl,
      outDir: config.outDir,
      resume: config.resume,
      ratePerHour: config.ratePerHour,
      burstPerSecond: config.burstPerSecond,
      timeScale: config.timeScale,
      maxInFlight: config.maxInFlight,
      timeoutMs: config.timeoutMs,
      plan: { runs: config.runs, startMs: config.startMs, endMs: config.endMs, windowHours: config.windowHours },
      onDamaged: (d) =>
        log(`bench extract: landed file ${d.file} (window ${d.id}) ${d.problem.detail}; fetching the window again`),
      ...(hooks.signal ? { signal: hooks.signal } : {}),
      ...(hooks.progress ? { onProgress: (p: Progress) => log(progressLine(p)) } : {}),
    });
    const summary = summarise(result, {
      source,
      rowsPerRequestCeiling: result.rowsPerRequestCeiling,
      target: baseUrl,
      budgetPerHour: config.ratePerHour,
      burstPerSecond: config.burstPerSecond,
      timeScale: config.timeScale,
      sim: sim?.stats(),
    });
    return { summary, ...verdict(summary) };
  } finally {
    await sim?.close();
  }
}
