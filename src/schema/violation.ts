/**
 * Turning a tree of field errors into Kong's schema-violation error (kong/db/errors.lua):
 * entity-level messages first, then fields sorted by name; one level of nesting is written
 * `a.b: msg`, anything deeper is rendered as a Lua table the way Penlight's pretty.write does.
 */
import { GatewayError, ErrorCode, type FieldErrors } from '../errors.js';
import type { ErrorTree, ErrValue } from './field-validation.js';
import { isPlainObject } from './record-schema.js';

function luaString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

function luaKey(k: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? k : `[${luaString(k)}]`;
}

/** Penlight-style rendering of a nested error table. */
export function luaPretty(value: unknown, indent = ''): string {
  if (typeof value === 'string') return luaString(value);
  if (value === null || value === undefined) return 'nil';
  if (typeof value !== 'object') return String(value);
  const inner = indent + '  ';
  const lines: string[] = [];
  if (Array.isArray(value)) {
    const dense = value.every((v) => v !== null && v !== undefined);
    value.forEach((v, i) => {
      if (v === null || v === undefined) return;
      lines.push(dense ? inner + luaPretty(v, inner) : `${inner}[${i + 1}] = ${luaPretty(v, inner)}`);
    });
  } else {
    for (const k of Object.keys(value).sort()) {
      lines.push(`${inner}${luaKey(k)} = ${luaPretty((value as Record<string, unknown>)[k], inner)}`);
    }
  }
  return lines.length === 0 ? '{}' : `{\n${lines.join(',\n')}\n${indent}}`;
}

/** Keys as Lua's sorted pairs would list them: 1-based indexes for arrays, names otherwise. */
function sortedEntries(v: ErrValue | string[]): [string, unknown][] {
  if (Array.isArray(v)) {
    return v.flatMap((x, i) => (x === null || x === undefined ? [] : [[String(i + 1), x] as [string, unknown]]));
  }
  if (isPlainObject(v)) return Object.keys(v).sort().map((k) => [k, (v as ErrorTree)[k]]);
  return [];
}

export function schemaViolationMessage(errors: ErrorTree): string {
  const parts: string[] = [...((errors['@entity'] as string[] | undefined) ?? [])];
  for (const name of Object.keys(errors).sort()) {
    if (name === '@entity') continue;
    const value = errors[name];
    if (typeof value === 'string') {
      parts.push(`${name}: ${value}`);
      continue;
    }
    for (const [sub, v] of sortedEntries(value)) {
      parts.push(`${name}.${sub}: ${typeof v === 'string' ? v : luaPretty(v)}`);
    }
  }
  return parts.length === 1 ? `schema violation (${parts[0]})` : `${parts.length} schema violations (${parts.join('; ')})`;
}

/** The GatewayError for a schema violation, with Kong's message and nested `fields`. */
export function schemaViolation(errors: ErrorTree): GatewayError {
  return new GatewayError(ErrorCode.SCHEMA_VIOLATION, schemaViolationMessage(errors), {
    fields: errors as unknown as FieldErrors,
  });
}
