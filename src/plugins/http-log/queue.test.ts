import { afterEach, describe, expect, it } from 'vitest';
import { BatchQueue, DEFAULT_QUEUE_CONFIG, type QueueConfig } from './queue.js';

const queues: BatchQueue[] = [];
const silent = { warn: () => undefined, err: () => undefined };
function make(conf: Partial<QueueConfig>, handler: (e: string[]) => Promise<boolean | void>): BatchQueue {
  const q = new BatchQueue('test', { ...DEFAULT_QUEUE_CONFIG, ...conf }, handler, silent);
  queues.push(q);
  return q;
}
const until = async (cond: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met');
    await new Promise((r) => setTimeout(r, 5));
  }
};

afterEach(async () => {
  await Promise.all(queues.splice(0).map((q) => q.close(200)));
});

describe('batch queue', () => {
  it('sends one entry at a time when max_batch_size is 1', async () => {
    const batches: string[][] = [];
    const q = make({}, async (e) => void batches.push(e));
    q.enqueue('a');
    q.enqueue('b');
    await until(() => batches.flat().length === 2);
    expect(batches).toEqual([['a'], ['b']]);
    expect(q.stats.sent).toBe(2);
  });

  it('coalesces entries into batches up to max_batch_size', async () => {
    const batches: string[][] = [];
    const q = make({ max_batch_size: 3, max_coalescing_delay: 0.2 }, async (e) => void batches.push(e));
    for (const x of ['1', '2', '3', '4']) q.enqueue(x);
    await until(() => batches.flat().length === 4);
    expect(batches).toEqual([['1', '2', '3'], ['4']]);
  });

  it('retries a failing batch with backoff until it goes through, keeping order', async () => {
    let failures = 3;
    const delivered: string[] = [];
    const q = make({ initial_retry_delay: 0.005, max_retry_delay: 0.02 }, async (e) => {
      if (failures-- > 0) throw new Error('collector down');
      delivered.push(...e);
    });
    q.enqueue('first');
    q.enqueue('second');
    await until(() => delivered.length === 2);
    expect(delivered).toEqual(['first', 'second']);
    expect(q.stats.lost).toBe(0);
  });

  it('gives a batch up after max_retry_time and counts it as lost', async () => {
    const q = make({ max_retry_time: 0.05, initial_retry_delay: 0.01, max_retry_delay: 0.01 }, async () => false);
    q.enqueue('x');
    await until(() => q.stats.lost === 1);
    expect(q.stats.sent).toBe(0);
  });

  it('drops the oldest entries (and counts them) when max_entries is reached', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const delivered: string[] = [];
    const q = make({ max_entries: 2 }, async (e) => {
      await gate;
      delivered.push(...e);
    });
    q.enqueue('0'); // taken by the handler, waiting on the gate
    await until(() => q.length === 0);
    for (const x of ['1', '2', '3', '4']) q.enqueue(x);
    expect(q.length).toBe(2);
    expect(q.stats.dropped).toBe(2);
    release();
    await until(() => delivered.length === 3);
    expect(delivered).toEqual(['0', '3', '4']);
  });

  it('bounds queued bytes with max_bytes and refuses an entry larger than the bound', () => {
    const q = make({ max_bytes: 10 }, () => new Promise(() => undefined));
    expect(q.enqueue('x'.repeat(11))).toEqual({ ok: false, error: expect.stringMatching(/longer \(11 bytes\) than the queue's max_bytes \(10 bytes\)/) });
  });

  it('delivers what is queued on close', async () => {
    const delivered: string[] = [];
    const q = make({ max_batch_size: 10, max_coalescing_delay: 30 }, async (e) => void delivered.push(...e));
    q.enqueue('a');
    q.enqueue('b');
    await q.close(1000);
    expect(delivered).toEqual(['a', 'b']);
    expect(q.enqueue('late').ok).toBe(false);
  });
});
