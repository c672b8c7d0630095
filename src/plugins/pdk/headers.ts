import type { Headers } from '../types.js';

export type MutableHeaders = Record<string, string | string[]>;

/** Header maps in the pipeline keep lower-cased names; these helpers keep it that way. */
export function setHeader(h: MutableHeaders, name: string, value: string | number | string[]): void {
  h[name.toLowerCase()] = Array.isArray(value) ? value.map(String) : String(value);
}

export function addHeader(h: MutableHeaders, name: string, value: string | number): void {
  const key = name.toLowerCase();
  const prev = h[key];
  if (prev === undefined) h[key] = String(value);
  else if (Array.isArray(prev)) prev.push(String(value));
  else h[key] = [prev, String(value)];
}

export function clearHeader(h: MutableHeaders, name: string): void {
  delete h[name.toLowerCase()];
}

export function firstHeader(h: MutableHeaders | undefined, name: string): string | undefined {
  const v = h?.[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

export function setHeaders(h: MutableHeaders, headers: Headers): void {
  for (const k in headers) setHeader(h, k, headers[k]);
}

/** A copy safe to hand to plugin code (arrays copied too). */
export function copyHeaders(h: MutableHeaders | undefined): Headers {
  const out: Headers = {};
  if (!h) return out;
  // for-in over plain header maps: no entries array per call on the request path.
  for (const k in h) {
    const v = h[k];
    out[k] = Array.isArray(v) ? [...v] : v;
  }
  return out;
}
