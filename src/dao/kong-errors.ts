/**
 * Kong's DAO errors (kong/db/errors.lua) as GatewayErrors: the same codes, messages and
 * `fields`. Keys inside messages are written the way Penlight's pretty.write renders a Lua
 * table on one line: `{name="x"}`, keys sorted, nested tables inline, nulls as `null`.
 */
import { ErrorCode, GatewayError, type FieldErrors } from '../errors.js';

function luaString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r')}"`;
}

function luaKey(k: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? k : `[${luaString(k)}]`;
}

/** One-line Lua table rendering of a key such as `{ id: "..." }` → `{id="..."}`. */
export function luaInline(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return luaString(value);
  if (typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return `{${value.map(luaInline).join(',')}}`;
  const obj = value as Record<string, unknown>;
  return `{${Object.keys(obj).sort().map((k) => `${luaKey(k)}=${luaInline(obj[k])}`).join(',')}}`;
}

/** Error names Kong derives from the field (`invalid unique name`), keyed by the error object. */
const nameOverrides = new WeakMap<GatewayError, string>();

export function errorNameOverride(err: GatewayError): string | undefined {
  return nameOverrides.get(err);
}

export const kongErrors = {
  invalidPrimaryKey(errors: Record<string, unknown>): GatewayError {
    return new GatewayError(ErrorCode.INVALID_PRIMARY_KEY, `invalid primary key: '${luaInline(errors)}'`, { fields: errors as FieldErrors });
  },
  /** Kong answers 400 from the Admin API (endpoints.lua), not the generic 409. */
  primaryKeyViolation(pk: Record<string, unknown>): GatewayError {
    return new GatewayError(ErrorCode.PRIMARY_KEY_VIOLATION, `primary key violation on key '${luaInline(pk)}'`, { fields: pk as FieldErrors, status: 400 });
  },
  foreignKeyInvalidReference(field: string, key: Record<string, unknown>, parent: string): GatewayError {
    return new GatewayError(ErrorCode.FOREIGN_KEY_VIOLATION, `the foreign key '${luaInline(key)}' does not reference an existing '${parent}' entity.`, {
      fields: { [field]: key } as FieldErrors,
    });
  },
  foreignKeyRestricted(parent: string, child: string): GatewayError {
    return new GatewayError(ErrorCode.FOREIGN_KEY_VIOLATION, `an existing '${child}' entity references this '${parent}' entity`, {
      fields: { '@referenced_by': child },
    });
  },
  /** `unresolved`: field → lookup field → `{ value, parent }`. */
  foreignKeysUnresolved(unresolved: Record<string, Record<string, { value: unknown; parent: string }>>): GatewayError {
    const parts: string[] = [];
    const fields: Record<string, Record<string, string>> = {};
    for (const field of Object.keys(unresolved).sort()) {
      fields[field] = {};
      for (const sub of Object.keys(unresolved[field]).sort()) {
        const { value, parent } = unresolved[field][sub];
        const text = `the foreign key cannot be resolved with '${luaInline({ [sub]: value })}' for an existing '${parent}' entity`;
        fields[field][sub] = text;
        parts.push(`${field}.${sub}: ${text}`);
      }
    }
    const message = parts.length === 1 ? `foreign key unresolved (${parts[0]})` : `${parts.length} foreign keys unresolved (${parts.join('; ')})`;
    return new GatewayError(ErrorCode.FOREIGN_KEYS_UNRESOLVED, message, { fields: fields as FieldErrors });
  },
  uniqueViolation(key: Record<string, unknown>): GatewayError {
    return new GatewayError(ErrorCode.UNIQUE_VIOLATION, `UNIQUE violation detected on '${luaInline(key)}'`, { fields: key as FieldErrors });
  },
  notFound(pk: Record<string, unknown>): GatewayError {
    return new GatewayError(ErrorCode.NOT_FOUND, `could not find the entity with primary key '${luaInline(pk)}'`, { fields: pk as FieldErrors });
  },
  notFoundByField(filter: Record<string, unknown>): GatewayError {
    return new GatewayError(ErrorCode.NOT_FOUND, `could not find the entity with '${luaInline(filter)}'`, { fields: filter as FieldErrors });
  },
  invalidOffset(offset: string, why: string): GatewayError {
    return new GatewayError(ErrorCode.INVALID_OFFSET, `'${offset}' is not a valid offset: ${why}`);
  },
  invalidSize(message: string): GatewayError {
    return new GatewayError(ErrorCode.INVALID_SIZE, message);
  },
  invalidUnique(field: string, message: string): GatewayError {
    const err = new GatewayError(ErrorCode.INVALID_UNIQUE, message);
    nameOverrides.set(err, `invalid unique ${field}`);
    return err;
  },
  /** Rendered with the key `options` instead of `fields` (errors.lua does the same). */
  invalidOptions(options: Record<string, string>): GatewayError {
    const names = Object.keys(options).sort();
    const parts = names.map((n) => `${n}: ${options[n]}`);
    const message = parts.length === 1 ? `invalid option (${parts[0]})` : `${parts.length} option violations (${parts.join('; ')})`;
    return new GatewayError(ErrorCode.INVALID_OPTIONS, message, { fields: options });
  },
  operationUnsupported(message: string): GatewayError {
    return new GatewayError(ErrorCode.OPERATION_UNSUPPORTED, message);
  },
  databaseError(message: string, cause?: unknown): GatewayError {
    return new GatewayError(ErrorCode.DATABASE_ERROR, message, { cause });
  },
};
