/**
 * Typed setting descriptors. Each kong.conf key is described once (type, default, one-line
 * description); the Config type, the parser, `silverback check` and docs/configuration.md all
 * come from these descriptors.
 */

export type SettingKind = 'string' | 'boolean' | 'integer' | 'number' | 'enum' | 'array' | 'size';

export interface Setting<T> {
  readonly kind: SettingKind;
  readonly default: T;
  readonly description: string;
  /** Accepted values for enums. */
  readonly values?: readonly string[];
  /** Lower bound for integers and numbers. */
  readonly min?: number;
  /** Never printed: shown as `******`. */
  readonly secret?: boolean;
  /** A `pg_ro_X` left unset takes the value of `pg_X`. */
  readonly inheritsFrom?: string;
  /** Accepted for compatibility with Kong's kong.conf but without effect here. */
  readonly ignored?: boolean;
  /** Phantom field carrying the value type. */
  readonly __type?: T;
}

type Opts = { secret?: boolean; min?: number; inheritsFrom?: string; ignored?: boolean };

export const str = (def: string, description: string, o: Opts = {}): Setting<string> => ({ kind: 'string', default: def, description, ...o });
export const optStr = (description: string, o: Opts = {}): Setting<string | null> => ({ kind: 'string', default: null, description, ...o });
export const bool = (def: boolean, description: string, o: Opts = {}): Setting<boolean> => ({ kind: 'boolean', default: def, description, ...o });
export const optBool = (description: string, o: Opts = {}): Setting<boolean | null> => ({ kind: 'boolean', default: null, description, ...o });
export const int = (def: number, description: string, o: Opts = {}): Setting<number> => ({ kind: 'integer', default: def, description, ...o });
export const optInt = (description: string, o: Opts = {}): Setting<number | null> => ({ kind: 'integer', default: null, description, ...o });
export const num = (def: number, description: string, o: Opts = {}): Setting<number> => ({ kind: 'number', default: def, description, ...o });
export const list = (def: readonly string[], description: string, o: Opts = {}): Setting<readonly string[]> => ({ kind: 'array', default: def, description, ...o });
export const size = (def: string, description: string, o: Opts = {}): Setting<string> => ({ kind: 'size', default: def, description, ...o });
export function oneOf<const V extends string>(values: readonly V[], def: V, description: string, o: Opts = {}): Setting<V> {
  return { kind: 'enum', values, default: def, description, ...o };
}
export function optOneOf<const V extends string>(values: readonly V[], description: string, o: Opts = {}): Setting<V | null> {
  return { kind: 'enum', values, default: null, description, ...o };
}

export type SettingValue<S> = S extends Setting<infer T> ? T : never;
