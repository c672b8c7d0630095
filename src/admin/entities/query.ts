/**
 * Query-string options of collection endpoints (kong/api/endpoints.lua): `size`, `offset`,
 * `tags` (`a,b` all of, `a/b` any of), and the `next` link that carries them on.
 */
import type { Entity } from '../../schema/index.js';
import { kongErrors, type PageOptions } from '../../dao/index.js';

/** ngx.escape_uri: everything but unreserved characters is percent-encoded. */
export function escapeUri(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function luaNumber(s: string): number | undefined {
  const t = s.trim();
  if (/^[-+]?0[xX][0-9a-fA-F]+$/.test(t)) return Number.parseInt(t, 16);
  if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return Number(t);
  return undefined;
}

// Printable ASCII but `,` and `/`, plus anything beyond ASCII (Kong's TAGS_*_REGEX bytes).
const TAG_CHARS = /^[\x20-\x2B\x2D\x2E\x30-\x7E\u0080-\uFFFF]+$/;

function splitTags(raw: string, sep: ',' | '/'): string[] | undefined {
  const parts = raw.split(sep);
  if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  return parts.length > 0 && parts.every((p) => TAG_CHARS.test(p)) ? parts : undefined;
}

export function parseTagsFilter(raw: string): { tags: string[]; tagsMode: 'and' | 'or' } {
  if (raw === '') throw kongErrors.invalidOptions({ tags: 'cannot be null' });
  const and = splitTags(raw, ',');
  if (and) return { tags: and, tagsMode: 'and' };
  const or = splitTags(raw, '/');
  if (or) return { tags: or, tagsMode: 'or' };
  throw kongErrors.invalidOptions({ tags: 'invalid filter syntax' });
}

export interface PageRequest {
  options: PageOptions;
  /** Appended to the `next` link of top-level collections. */
  carry: string;
}

export function pageRequest(query: URLSearchParams, opts: { tags: boolean; entity?: Entity }): PageRequest {
  const options: PageOptions = {};
  let carry = '';
  const size = query.get('size');
  if (size !== null) {
    const n = luaNumber(size);
    if (n === undefined) throw kongErrors.invalidSize('size must be a number');
    options.size = n;
  }
  const offset = query.get('offset');
  if (offset !== null) options.offset = offset;
  const tags = query.get('tags');
  if (opts.tags && tags !== null) {
    Object.assign(options, parseTagsFilter(tags));
    carry += `&tags=${escapeUri(tags)}`;
  }
  if (size !== null) carry += `&size=${size}`;
  return { options, carry };
}

export function pageBody(data: unknown[], offset: string | null, nextBase: string, carry: string): Record<string, unknown> {
  const body: Record<string, unknown> = { data, next: offset ? `${nextBase}?offset=${escapeUri(offset)}${carry}` : null };
  if (offset) body.offset = offset;
  return body;
}
