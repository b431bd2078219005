// Test support: byte-for-byte comparison of typed arrays (fast on big arrays; NaN equals NaN).
import { expect } from 'vitest';

export function expectSameBytes(
  actual: ArrayBufferView | undefined,
  expected: ArrayBufferView | undefined,
  what: string,
): void {
  if (actual === undefined || expected === undefined) throw new Error(`${what}: missing array`);
  const a = Buffer.from(actual.buffer, actual.byteOffset, actual.byteLength);
  const b = Buffer.from(expected.buffer, expected.byteOffset, expected.byteLength);
  expect(a.length, `${what}: byte length`).toBe(b.length);
  expect(a.equals(b), `${what}: bytes differ`).toBe(true);
}
