import { describe, expect, it } from 'vitest';
import { compileTemplate, renderTemplate, templateError, type TemplateEnv } from './template.js';

const env: TemplateEnv = {
  headers: () => ({ 'x-foo': ['a', 'b'], 'user-agent': 'curl/8', host: 'example.com' }),
  query_params: () => ({ q1: 'v1', flag: true, n: '21' }),
  uri_captures: () => ({ '0': '/requests/user1/foo', '1': 'foo', user1: 'foo' }),
  shared: () => ({ my_version: '1.2' }),
};
const render = (src: string) => renderTemplate(compileTemplate(src), env);

describe('request-transformer templates', () => {
  it('reads headers, query params, uri captures and shared values', () => {
    expect(render('$(headers.host)')).toBe('example.com');
    expect(render('$(headers["User-Agent"])')).toBe('curl/8');
    expect(render("$(headers['user_agent'])")).toBe('curl/8');
    expect(render('/x/$(uri_captures.user1)/$(query_params.q1)')).toBe('/x/foo/v1');
    expect(render('$(uri_captures[0])')).toBe('/requests/user1/foo');
    expect(render('$(uri_captures[1])')).toBe('foo');
    expect(render('$(shared.my_version)')).toBe('1.2');
  });

  it('renders nil as nothing and supports or/and/==/type/.. and arithmetic', () => {
    expect(render('[$(uri_captures.missing)]')).toBe('[]');
    expect(render("$(uri_captures.missing or 'default1')")).toBe('default1');
    expect(render('$(10 * query_params.n)')).toBe('210');
    expect(render('$(type(headers["X-Foo"]) == "table" and headers["X-Foo"][1] .. "-first" or headers["X-Foo"])')).toBe('a-first');
    expect(render('$(string.upper(query_params.q1))')).toBe('V1');
    expect(render('$(string.sub("abcdef", 2, 4))')).toBe('bcd');
    expect(render('plain text')).toBe('plain text');
  });

  it('fails on tables and non-strings as Lua does', () => {
    expect(() => render('$(headers["X-Foo"])')).toThrow(/concatenate a table/);
    expect(() => render('$(headers.missing.deeper)')).toThrow(/index a nil/);
  });

  it('refuses code it will not run, when the plugin is saved', () => {
    expect(templateError("$(require('inspect')(query_params.user))")).toMatch(/function 'require' is not available/);
    expect(templateError('$(os.getenv("HOME"))')).toMatch(/not available/);
    expect(templateError('$(_G)')).toMatch(/'_G' is not available/);
    expect(templateError('$(shared.written = true)')).toMatch(/unexpected symbol/);
    expect(templateError('$(headers.x)')).toBeUndefined();
  });
});
