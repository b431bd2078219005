// Learning-rate schedule: linear warm-up to the peak, then cosine decay to minRatio·peak at the
// last step (the schedule of GPT-style training, as in llm.c's train_gpt2).

export interface Schedule {
  readonly lr: number;
  readonly warmup: number;
  readonly steps: number;
  /** Final learning rate as a fraction of the peak. */
  readonly minRatio: number;
}

/** Learning rate of 1-based `step`. */
export function learningRate(s: Schedule, step: number): number {
  if (s.warmup > 0 && step <= s.warmup) return (s.lr * step) / s.warmup;
  const span = Math.max(1, s.steps - s.warmup);
  const progress = Math.min(1, (step - s.warmup) / span);
  const min = s.lr * s.minRatio;
  return min + 0.5 * (s.lr - min) * (1 + Math.cos(Math.PI * progress));
}
