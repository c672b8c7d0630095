import { describe, expect, it } from 'vitest';
import type { ResponseTransformerConfig } from './schema.js';
import { isJsonBody, jsonValue, transformJsonBody, transformResponseHeaders } from './transform.js';

function conf(o: Partial<Record<keyof ResponseTransformerConfig, Partial<ResponseTransformerConfig['add']>>>): ResponseTransformerConfig {
  const empty = { json: [], json_types: [], headers: [] };
  return {
    remove: { json: [], headers: [], ...o.remove },
    rename: { json: [], headers: [], ...o.rename },
    replace: { ...empty, ...o.replace },
    add: { ...empty, ...o.add },
    append: { ...empty, ...o.append },
  } as ResponseTransformerConfig;
}

describe('response-transformer', () => {
  it('transforms headers in Kong order and drops Content-Length when the body changes', () => {
    const h: Record<string, string | string[]> = { 'x-remove': '1', 'x-old': 'v', 'x-replace': 'r', 'x-keep': 'k', 'content-length': '10' };
    const ops = {
      get: (n: string) => h[n.toLowerCase()],
      set: (n: string, v: string | string[]) => void (h[n.toLowerCase()] = v),
      add: (n: string, v: string) => {
        const cur = h[n.toLowerCase()];
        h[n.toLowerCase()] = cur === undefined ? v : [...(Array.isArray(cur) ? cur : [cur]), v];
      },
      clear: (n: string) => void delete h[n.toLowerCase()],
    };
    transformResponseHeaders(
      conf({ remove: { headers: ['x-remove'] }, rename: { headers: ['x-old:x-new'] }, replace: { headers: ['x-replace:R', 'x-none:n'] }, add: { headers: ['x-keep:no', 'x-add:a'] }, append: { headers: ['x-keep:k2'] } }),
      ops,
      true,
    );
    expect(h).toEqual({ 'x-new': 'v', 'x-replace': 'R', 'x-keep': ['k', 'k2'], 'x-add': 'a' });
  });

  it('transforms JSON with json_types by position', () => {
    const out = transformJsonBody(
      conf({
        remove: { json: ['secret'] },
        rename: { json: ['old:new'] },
        replace: { json: ['count:7', 'absent:1'], json_types: ['number', 'number'] },
        add: { json: ['ok:true', 'name:x'], json_types: ['boolean'] },
        append: { json: ['tags:b'] },
      }),
      '{"secret":"s","old":1,"count":3,"tags":"a"}',
    );
    expect('body' in out && JSON.parse(out.body)).toEqual({ new: 1, count: 7, ok: true, name: 'x', tags: ['a', 'b'] });
    expect(transformJsonBody(conf({ add: { json: ['a:b'] } }), 'not json')).toEqual({ error: 'failed parsing json body' });
  });

  it('keeps JSON escapes in values as Kong does, and recognises JSON content types', () => {
    expect(jsonValue('say "hi"', undefined)).toBe('say "hi"');
    expect(jsonValue('a\\b', undefined)).toBe('a\\\\b');
    expect(jsonValue('abc', 'number')).toBeUndefined();
    expect(isJsonBody('application/json; charset=utf-8')).toBe(true);
    expect(isJsonBody('text/html, application/problem+json')).toBe(true);
    expect(isJsonBody('text/plain')).toBe(false);
  });
});
