import { describe, expect, it } from 'vitest';
import { type CachedResponse, LruArea, MemoryStrategy, entrySize, parseSize } from './memory-store.js';

function entry(body: string): CachedResponse {
  return { status: 200, headers: { 'content-type': 'text/plain' }, body, body_len: body.length, timestamp: 0, ttl: 300, version: 1 };
}

describe('memory strategy', () => {
  it('evicts the least recently used entries to stay within its byte capacity', () => {
    const one = entrySize('a', entry('x'.repeat(1000)));
    const area = new LruArea(one * 3);
    area.set('a', entry('x'.repeat(1000)));
    area.set('b', entry('y'.repeat(1000)));
    area.set('c', entry('z'.repeat(1000)));
    expect(area.get('a')).toBeDefined(); // a is now the most recent
    area.set('d', entry('w'.repeat(1000)));
    expect(area.get('b')).toBeUndefined();
    expect(area.get('a')?.body).toMatch(/^x+$/);
    expect(area.get('c')).toBeDefined();
    expect(area.get('d')).toBeDefined();
    expect(area.bytesUsed).toBeLessThanOrEqual(area.capacity);
  });

  it('refuses an entry larger than the whole capacity and keeps the others', () => {
    const area = new LruArea(2000);
    area.set('small', entry('s'));
    expect(area.set('huge', entry('h'.repeat(5000)))).toBe(false);
    expect(area.get('small')).toBeDefined();
    expect(area.get('huge')).toBeUndefined();
  });

  it('expires entries after their storage ttl', () => {
    let now = 1_000_000;
    const area = new LruArea(1 << 20, () => now);
    area.set('k', entry('v'), 10);
    area.set('forever', entry('v'));
    now += 9_999;
    expect(area.get('k')).toBeDefined();
    now += 2;
    expect(area.get('k')).toBeUndefined();
    expect(area.get('forever')).toBeDefined();
    expect(area.size).toBe(1);
  });

  it('keeps one area per dictionary and flushes them all', () => {
    const s = new MemoryStrategy(1 << 20);
    s.area('kong_db_cache').set('k', entry('1'));
    s.area('kong').set('k', entry('2'));
    expect(s.area('kong_db_cache').get('k')?.body).toBe('1');
    s.flushAll();
    expect(s.area('kong').get('k')).toBeUndefined();
  });

  it('reads kong.conf sizes', () => {
    expect(parseSize('128m')).toBe(128 * 1024 * 1024);
    expect(parseSize('512k')).toBe(512 * 1024);
    expect(parseSize('1g')).toBe(1024 ** 3);
    expect(parseSize('4096')).toBe(4096);
  });
});
