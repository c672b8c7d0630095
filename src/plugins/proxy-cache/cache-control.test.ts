import { describe, expect, it } from 'vitest';
import { parseDirectives, resourceTtl } from './cache-control.js';
import { mediaTypeIncludes, mediaTypeMatches, parseMediaType } from './mime-type.js';

describe('Cache-Control', () => {
  it('parses directives with numbers, text and bare flags', () => {
    expect(parseDirectives('public, Max-Age=60, no-cache="set-cookie"')).toEqual({ public: true, 'max-age': 60, 'no-cache': '"set-cookie"' });
    expect(parseDirectives(['private', 's-maxage=5'])).toEqual({ private: true, 's-maxage': 5 });
    expect(parseDirectives(undefined)).toEqual({});
  });

  it('takes s-maxage, then max-age, then Expires, never below 0', () => {
    const now = Date.parse('2024-01-01T00:00:00Z');
    expect(resourceTtl({ 's-maxage': 5, 'max-age': 60 }, undefined, now)).toBe(5);
    expect(resourceTtl({ 'max-age': 60 }, undefined, now)).toBe(60);
    expect(resourceTtl({}, 'Mon, 01 Jan 2024 00:01:40 GMT', now)).toBe(100);
    expect(resourceTtl({}, ['Mon, 01 Jan 2024 00:00:10 GMT', 'Mon, 01 Jan 2024 00:00:20 GMT'], now)).toBe(20);
    expect(resourceTtl({}, 'Sun, 31 Dec 2023 00:00:00 GMT', now)).toBe(0);
    expect(resourceTtl({}, undefined, now)).toBe(0);
  });
});

describe('media types', () => {
  it('matches exactly, with wildcards and equal parameters', () => {
    const json = parseMediaType('application/json')!;
    expect(mediaTypeMatches(json, parseMediaType('Application/JSON')!)).toBe(true);
    expect(mediaTypeMatches(json, parseMediaType('application/json; charset=utf-8')!)).toBe(false);
    expect(mediaTypeMatches(parseMediaType('application/json; charset=utf-8')!, parseMediaType('application/json;charset=utf-8')!)).toBe(true);
    expect(mediaTypeMatches(parseMediaType('text/*')!, parseMediaType('text/html')!)).toBe(true);
    expect(mediaTypeMatches(parseMediaType('*')!, parseMediaType('image/png')!)).toBe(true);
    expect(parseMediaType('not a type')).toBeUndefined();
  });

  it('includes +json suffixes in application/json', () => {
    expect(mediaTypeIncludes({ type: 'application', subtype: 'json' }, parseMediaType('application/problem+json')!)).toBe(true);
    expect(mediaTypeIncludes({ type: 'application', subtype: 'json' }, parseMediaType('application/xml')!)).toBe(false);
  });
});
