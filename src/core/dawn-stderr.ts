// Dawn (the WebGPU runtime) prints informational warnings from native code straight to the
// process's stderr (fd 2), e.g. `Warning: maxDynamicUniformBuffersPerPipelineLayout artificially
// reduced from 1000000 to 16 …` on every adapter open. It has no switch for them (webgpu 0.6.2:
// no toggle, instance option or environment variable), so whoever reads that fd drops them here.

/**
 * Dawn's warning-level log lines (`dawn::WarningLog`, printed as `Warning: <message>`). Its errors
 * print as `Error: …` and WebGPU validation errors reach us as uncaptured-error events: both kept.
 */
export function isDawnInfoLine(line: string): boolean {
  return line.startsWith('Warning: ');
}

/**
 * `text` without Dawn's informational lines. Works per chunk, with no buffering: Dawn writes each
 * line with one fprintf + fflush, well under PIPE_BUF, so a pipe read never splits it.
 */
export function dropDawnInfo(text: string): string {
  if (!text.includes('Warning: ')) return text;
  return text
    .split(/(?<=\n)/)
    .filter((line) => !isDawnInfoLine(line))
    .join('');
}

type WriteCallback = (error?: Error | null) => void;

/**
 * Makes `stream.write` drop Dawn's informational lines (for a process that relays another's
 * stderr, like vitest relaying its workers'). Returns the undo.
 */
export function hideDawnInfo(stream: NodeJS.WritableStream): () => void {
  const write = stream.write.bind(stream);
  const filtered = (
    chunk: string | Uint8Array,
    encoding?: BufferEncoding | WriteCallback,
    callback?: WriteCallback,
  ): boolean => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    const kept = dropDawnInfo(text);
    const done = typeof encoding === 'function' ? encoding : callback;
    if (kept !== text) return done ? write(kept, 'utf8', done) : write(kept, 'utf8');
    if (typeof chunk !== 'string') return done ? write(chunk, done) : write(chunk);
    const enc = typeof encoding === 'string' ? encoding : undefined;
    return done ? write(chunk, enc, done) : write(chunk, enc);
  };
  stream.write = filtered;
  return () => {
    stream.write = write;
  };
}
