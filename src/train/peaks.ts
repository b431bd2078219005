// Known FP32 peaks of adapters (TFLOP/s, dense FP32 without tensor cores), matched by a substring
// of the adapter's description, for MFU "vs peak". A CPU driver or an unknown adapter has none.
// Figures: vendors' published specifications (NVIDIA datasheets; Apple's chip announcements);
// the H200 figure is 132 SMs × 128 FP32 lanes × 2 × 1.98 GHz, as in bench/results/kernels-h200-2026-11-26.json.

interface Peak {
  readonly match: RegExp;
  readonly name: string;
  readonly tflops: number;
}

const PEAKS: readonly Peak[] = [
  { match: /H200/i, name: 'NVIDIA H200', tflops: 66.9 },
  { match: /H100.*PCIe/i, name: 'NVIDIA H100 PCIe', tflops: 51.2 },
  { match: /H100/i, name: 'NVIDIA H100 SXM', tflops: 66.9 },
  { match: /A100/i, name: 'NVIDIA A100', tflops: 19.5 },
  { match: /\bL4\b/i, name: 'NVIDIA L4', tflops: 30.3 },
  { match: /RTX 4090/i, name: 'NVIDIA GeForce RTX 4090', tflops: 82.6 },
  { match: /M1 Max/i, name: 'Apple M1 Max', tflops: 10.4 },
  { match: /M1 Pro/i, name: 'Apple M1 Pro', tflops: 5.2 },
  { match: /Apple M1/i, name: 'Apple M1', tflops: 2.6 },
  { match: /M2 Max/i, name: 'Apple M2 Max', tflops: 13.6 },
  { match: /M2 Pro/i, name: 'Apple M2 Pro', tflops: 6.8 },
  { match: /Apple M2/i, name: 'Apple M2', tflops: 3.6 },
];

/** The FP32 peak (FLOP/s) of the adapter described by `description`, or null when unknown. */
export function knownPeak(description: string): { name: string; flops: number } | null {
  const p = PEAKS.find((x) => x.match.test(description));
  return p ? { name: p.name, flops: p.tflops * 1e12 } : null;
}
