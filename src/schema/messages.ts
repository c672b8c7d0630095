/** Kong's validation wording (kong/db/schema/init.lua), the texts users see in 400 bodies. */
export const msg = {
  ARRAY: 'expected an array',
  SET: 'expected a set',
  MAP: 'expected a map',
  RECORD: 'expected a record',
  STRING: 'expected a string',
  NUMBER: 'expected a number',
  BOOLEAN: 'expected a boolean',
  INTEGER: 'expected an integer',
  REQUIRED: 'required field missing',
  UNKNOWN: 'unknown field',
  IMMUTABLE: 'immutable field cannot be updated',
  TIMESTAMP: 'expected a valid timestamp',
  UUID: 'expected a valid UUID',
  MISSING_PK: 'missing primary key',
  REQUIRED_FOR_ENTITY_CHECK: 'field required for entity check',
  ABSTRACT: 'error in schema definition: abstract field was not specialized',
  eq: (v: string) => `value must be ${v}`,
  ne: (v: string) => `value must not be ${v}`,
  gt: (v: number) => `value must be greater than ${v}`,
  between: (a: number, b: number) => `value should be between ${Math.trunc(a)} and ${Math.trunc(b)}`,
  lenEq: (n: number) => `length must be ${n}`,
  lenMin: (n: number) => `length must be at least ${n}`,
  lenMax: (n: number) => `length must be at most ${n}`,
  invalidValue: (v: string) => `invalid value: ${v}`,
  startsWith: (s: string) => `should start with: ${s}`,
  contains: (s: string) => `expected to contain: ${s}`,
  oneOf: (opts: readonly (string | number)[]) => `expected one of: ${opts.join(', ')}`,
  notOneOf: (opts: readonly (string | number)[]) => `must not be one of: ${opts.join(', ')}`,
  exclusiveSets: (list: string) => `these sets are mutually exclusive: ${list}`,
  unknownType: (k: string) => `unknown type: ${k}`,
  transformation: (e: string) => `transformation failed: ${e}`,
} as const;

/** Entity-check messages; `%s` takes the quoted field list (or the if_field for conditionals). */
export const entityCheckMessages: Record<string, string> = {
  at_least_one_of: 'at least one of these fields must be non-empty: %s',
  conditional_at_least_one_of: 'at least one of these fields must be non-empty: %s',
  only_one_of: 'exactly one of these fields must be non-empty: %s',
  distinct: 'values of these fields must be distinct: %s',
  mutually_required: 'all or none of these fields must be set: %s',
  mutually_exclusive: 'only one or none of these fields must be set: %s',
  mutually_exclusive_sets: 'these sets are mutually exclusive: %s',
  conditional: "failed conditional validation given value of field '%s'",
};

/** `'a', 'b'`; nested lists become `('a', 'b'), ('c')` as in Kong's quoted_list. */
export function quotedList(words: readonly (string | readonly string[])[]): string {
  return words.map((w) => (typeof w === 'string' ? `'${w}'` : `(${quotedList(w)})`)).join(', ');
}
