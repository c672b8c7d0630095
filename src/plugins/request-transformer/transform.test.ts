import { describe, expect, it } from 'vitest';
import { compileTemplate, renderTemplate } from './template.js';
import { compilePairs, decodeForm, encodeForm, transformFormBody, transformHeaders, transformJsonBody, transformQuery, type Render } from './transform.js';

const render: Render = (tpl) => (tpl ? renderTemplate(tpl, { headers: () => ({ 'x-in': 'h' }), query_params: () => ({}), uri_captures: () => ({}), shared: () => ({}) }) : '');
const sections = (o: Partial<Record<'remove' | 'rename' | 'replace' | 'add' | 'append', string[]>>) => ({
  remove: compilePairs(o.remove, false),
  rename: compilePairs(o.rename, true),
  replace: compilePairs(o.replace, true),
  add: compilePairs(o.add, true),
  append: compilePairs(o.append, true),
});

describe('request-transformer actions', () => {
  it('headers: remove, rename, replace, add, append in order; host only by replace', () => {
    const out = transformHeaders(
      { host: 'a.test', 'x-remove': '1', 'x-old': 'v', 'x-replace': 'old', 'x-keep': 'k', 'x-append': 'one' },
      sections({
        remove: ['X-Remove'],
        rename: ['x-old:x-new'],
        replace: ['x-replace:new', 'x-absent:nope', 'host:b.test'],
        add: ['x-keep:ignored', 'X-Added:$(headers.x_in)', 'host:c.test'],
        append: ['x-append:two', 'x-fresh:f'],
      }),
      render,
    );
    expect(new Set(out.clear)).toEqual(new Set(['x-remove', 'x-old']));
    const set = Object.fromEntries(out.set);
    expect(set).toEqual({ 'x-new': 'v', 'x-replace': 'new', host: 'b.test', 'X-Added': 'h', 'x-append': ['one', 'two'], 'x-fresh': ['f'] });
  });

  it('querystring: the five actions', () => {
    const q = transformQuery({ a: '1', b: '2', c: '3', d: '4' }, sections({ remove: ['a'], rename: ['b:bb'], replace: ['c:33', 'zz:no'], add: ['d:no', 'e:5'], append: ['d:44'] }), render);
    expect(q).toEqual({ bb: '2', c: '33', d: ['4', '44'], e: '5' });
  });

  it('JSON bodies: change an object, leave invalid JSON alone, add to an empty body', () => {
    const s = sections({ remove: ['secret'], rename: ['old:new'], replace: ['n:x'], add: ['added:yes', 'flag:no'], append: ['list:z'] });
    expect(JSON.parse(transformJsonBody('{"secret":1,"old":2,"n":3,"list":"y","flag":false}', s, render)!)).toEqual({ new: 2, n: 'x', added: 'yes', flag: 'no', list: ['y', 'z'] });
    expect(transformJsonBody('{not json', s, render)).toBeUndefined();
    expect(JSON.parse(transformJsonBody('', sections({ replace: ['n:x'], add: ['a:b'] }), render)!)).toEqual({ a: 'b' });
  });

  it('form bodies round-trip through ngx-style decoding and encoding', () => {
    expect(decodeForm('a=1&a=2&flag&sp=a+b%21')).toEqual({ a: ['1', '2'], flag: true, sp: 'a b!' });
    expect(encodeForm({ a: ['1', '2'], flag: true, sp: 'a b!' })).toBe('a=1&a=2&flag&sp=a%20b%21');
    expect(transformFormBody('a=1&b=2', sections({ remove: ['a'], add: ['c:3'] }), render)).toBe('b=2&c=3');
    expect(transformFormBody('a=1', sections({}), render)).toBeUndefined();
  });

  it('compiles templates in values', () => {
    expect(compilePairs(['x:$(headers.x_in)'], true)[0].value).toEqual(compileTemplate('$(headers.x_in)'));
  });
});
