/**
 * The one error type of Silverback. Every module throws GatewayError with a stable code;
 * the Admin API maps codes to Kong's error bodies and statuses, the CLI to one line plus a hint.
 */

/** Kong's Admin API error codes (kong/db/errors.lua) plus our own for the CLI and the datastore. */
export const ErrorCode = {
  INVALID_PRIMARY_KEY: 1,
  SCHEMA_VIOLATION: 2,
  PRIMARY_KEY_VIOLATION: 3,
  FOREIGN_KEY_VIOLATION: 4,
  UNIQUE_VIOLATION: 5,
  NOT_FOUND: 6,
  INVALID_OFFSET: 7,
  DATABASE_ERROR: 8,
  INVALID_SIZE: 9,
  INVALID_UNIQUE: 10,
  INVALID_OPTIONS: 11,
  OPERATION_UNSUPPORTED: 12,
  FOREIGN_KEYS_UNRESOLVED: 13,
  DECLARATIVE_CONFIG: 14,
  TRANSFORMATION_ERROR: 15,
  INVALID_FOREIGN_KEY: 16,
  INVALID_WORKSPACE: 17,
  INVALID_UNIQUE_GLOBAL: 18,
  REFERENCED_BY_OTHERS: 19,
  INVALID_SEARCH_QUERY: 20,
  // Ours, outside Kong's range: never sent as an Admin API `code`.
  CONFIG: 1001,
  DATASTORE_CONNECT: 1002,
  LISTEN: 1003,
  CLI_USAGE: 1004,
  BAD_REQUEST: 1005,
  METHOD_NOT_ALLOWED: 1006,
  SERVICE_UNAVAILABLE: 1007,
  INTERNAL: 1099,
} as const;

export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Kong's `name` for each Admin API code. */
export const errorNames: Record<number, string> = {
  1: 'invalid primary key',
  2: 'schema violation',
  3: 'primary key violation',
  4: 'foreign key violation',
  5: 'unique constraint violation',
  6: 'not found',
  7: 'invalid offset',
  8: 'database error',
  9: 'invalid size',
  10: 'invalid unique',
  11: 'invalid options',
  12: 'operation unsupported',
  13: 'foreign keys unresolved',
  14: 'invalid declarative configuration',
  15: 'transformation error',
  16: 'invalid foreign key',
  17: 'invalid workspace',
  18: 'invalid global unique',
  19: 'referenced by others',
  20: 'invalid search query',
};

const httpStatusByCode: Record<number, number> = {
  1: 400, 2: 400, 3: 409, 4: 400, 5: 409, 6: 404, 7: 400, 8: 500, 9: 400, 10: 400,
  11: 400, 12: 405, 13: 400, 14: 400, 15: 400, 16: 400, 17: 400, 18: 400, 19: 400, 20: 400,
  1001: 500, 1002: 503, 1003: 500, 1004: 400, 1005: 400, 1006: 405, 1007: 503, 1099: 500,
};

/** Nested field errors as Kong returns them under `fields`. */
export type FieldErrors = { [field: string]: string | string[] | FieldErrors | (FieldErrors | string | null)[] | null };

export interface GatewayErrorOptions {
  /** Kong's `fields` object for schema violations. */
  fields?: FieldErrors;
  /** One line telling the user what to change (CLI only). */
  hint?: string;
  /** Overrides the HTTP status derived from the code. */
  status?: number;
  cause?: unknown;
}

export class GatewayError extends Error {
  readonly code: ErrorCodeValue;
  readonly fields?: FieldErrors;
  readonly hint?: string;
  readonly status: number;

  constructor(code: ErrorCodeValue, message: string, options: GatewayErrorOptions = {}) {
    super(message, options.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = 'GatewayError';
    this.code = code;
    this.fields = options.fields;
    this.hint = options.hint;
    this.status = options.status ?? httpStatusByCode[code] ?? 500;
  }

  /** Kong's Admin API body: `{code, name, message, fields}` (code/name only for Kong's codes). */
  toBody(): Record<string, unknown> {
    if (this.code < 1000) {
      const body: Record<string, unknown> = { code: this.code, name: errorNames[this.code], message: this.message };
      if (this.fields) body.fields = this.fields;
      return body;
    }
    return { message: this.message };
  }

  /** The CLI's rendering: one line, then an optional hint line. */
  toCliText(): string {
    return this.hint ? `Error: ${this.message}\n  hint: ${this.hint}` : `Error: ${this.message}`;
  }
}

export function isGatewayError(err: unknown): err is GatewayError {
  return err instanceof GatewayError;
}

/** Message of an unknown thrown value, for logs and one-line CLI output. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
