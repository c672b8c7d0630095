import { describe, expect, it } from 'vitest';
import { QuerySemaphore } from './query-semaphore.js';

describe('QuerySemaphore', () => {
  it('limit 0 never blocks', async () => {
    const s = new QuerySemaphore(0, 10);
    const releases = await Promise.all([s.acquire(), s.acquire(), s.acquire()]);
    expect(releases).toHaveLength(3);
  });

  it('a waiter gets the slot when it is released, in order', async () => {
    const s = new QuerySemaphore(1, 5_000);
    const release = await s.acquire();
    const order: string[] = [];
    const a = s.acquire().then((r) => { order.push('a'); r(); });
    const b = s.acquire().then((r) => { order.push('b'); r(); });
    expect(s.waiting).toBe(2);
    release();
    await Promise.all([a, b]);
    expect(order).toEqual(['a', 'b']);
    expect(s.inUse).toBe(0);
  });

  it("times out with Kong's message, and a double release does not free two slots", async () => {
    const s = new QuerySemaphore(1, 20);
    const release = await s.acquire();
    await expect(s.acquire()).rejects.toThrow('error acquiring query semaphore: timeout');
    expect(s.waiting).toBe(0);
    release();
    release();
    expect(s.inUse).toBe(0);
  });
});
