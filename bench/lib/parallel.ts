/** Runs `make(0..count-1)` with at most `concurrency` calls in flight; resolves with results in order. */
export async function inParallel<T>(count: number, concurrency: number, make: (i: number) => Promise<T>): Promise<T[]> {
  const out = new Array<T>(count);
  let next = 0;
  async function lane(): Promise<void> {
    while (next < count) {
      const i = next++;
      out[i] = await make(i);
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
  return out;
}
