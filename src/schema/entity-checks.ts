/**
 * Cross-field rules (Kong's entity_checkers). Each check sees only the fields it names, is
 * skipped when one of them already failed (unless it runs with invalid fields), and adds its
 * message to `@entity`; conditionals also put the failure on the field they constrain.
 */
import type { EntityCheck, FieldDef, FieldMatch, FieldsDef } from './types.js';
import { entityCheckMessages, quotedList, msg } from './messages.js';
import { fieldAt, getPath, isNonEmpty, setPath, type Json } from './record-schema.js';
import { validateField, type ErrorTree } from './field-validation.js';

interface CheckContext {
  fields: FieldsDef;
  /** Validation of an update: Kong words some messages differently then. */
  updating: boolean;
  fullCheck: boolean;
}

type Outcome = { ok: true } | { ok: false; err?: string; custom?: string };

interface Checker {
  runWithMissing: boolean;
  runWithInvalid: boolean;
  /** Field names the check reads, and which of them must be present. */
  sources: (arg: any) => { names: string[]; required: Set<string> };
  fn: (entity: Json, arg: any, ctx: CheckContext, errors: ErrorTree) => Outcome;
}

const listSources = (arg: readonly string[]) => ({ names: [...arg], required: new Set(arg) });

const STRING_FIELD: FieldDef = { type: 'string' };
const overlays = new WeakMap<FieldMatch, WeakMap<FieldDef, FieldDef>>();

/** The schema field with a check's `if_match`/`then_match` laid over it, built once per pair. */
function overlay(base: FieldDef | undefined, match: FieldMatch): FieldDef {
  const field = base ?? STRING_FIELD;
  let byBase = overlays.get(match);
  if (!byBase) {
    byBase = new WeakMap();
    overlays.set(match, byBase);
  }
  let merged = byBase.get(field);
  if (!merged) {
    merged = { ...field, ...match } as FieldDef;
    byBase.set(field, merged);
  }
  return merged;
}

function matches(ctx: CheckContext, fieldName: string, match: FieldMatch, value: unknown): boolean {
  return validateField(overlay(fieldAt(ctx.fields, fieldName), match), value) === undefined;
}

function firstNonEmpty(entity: Json, names: readonly string[]): boolean {
  return names.some((n) => isNonEmpty(getPath(entity, n)));
}

function countNonEmpty(entity: Json, names: readonly string[]): number {
  return names.filter((n) => isNonEmpty(getPath(entity, n))).length;
}

const checkers: Record<string, Checker> = {
  at_least_one_of: {
    runWithMissing: true,
    runWithInvalid: true,
    sources: listSources,
    fn: (e, names: string[]) => (firstNonEmpty(e, names) ? { ok: true } : { ok: false, err: quotedList(names) }),
  },
  only_one_of: {
    runWithMissing: false,
    runWithInvalid: true,
    sources: listSources,
    fn: (e, names: string[]) => (countNonEmpty(e, names) === 1 ? { ok: true } : { ok: false, err: quotedList(names) }),
  },
  distinct: {
    runWithMissing: false,
    runWithInvalid: true,
    sources: listSources,
    fn: (e, names: string[]) => {
      const seen = new Set<unknown>();
      for (const n of names) {
        const v = getPath(e, n);
        if (!isNonEmpty(v)) continue;
        if (seen.has(v)) return { ok: false, err: quotedList(names) };
        seen.add(v);
      }
      return { ok: true };
    },
  },
  mutually_required: {
    runWithMissing: true,
    runWithInvalid: false,
    sources: listSources,
    fn: (e, names: string[]) => {
      const n = countNonEmpty(e, names);
      return n === 0 || n === names.length ? { ok: true } : { ok: false, err: quotedList(names) };
    },
  },
  mutually_exclusive: {
    runWithMissing: true,
    runWithInvalid: false,
    sources: listSources,
    fn: (e, names: string[]) => (countNonEmpty(e, names) <= 1 ? { ok: true } : { ok: false, err: quotedList(names) }),
  },
  mutually_exclusive_sets: {
    runWithMissing: true,
    runWithInvalid: false,
    sources: (a: { set1: string[]; set2: string[] }) => ({ names: [...a.set1, ...a.set2], required: new Set() }),
    fn: (e, a: { set1: string[]; set2: string[] }) => {
      const s1 = a.set1.filter((n) => isNonEmpty(getPath(e, n)));
      const s2 = a.set2.filter((n) => isNonEmpty(getPath(e, n)));
      return s1.length > 0 && s2.length > 0 ? { ok: false, err: `(${quotedList(s1)}), (${quotedList(s2)})` } : { ok: true };
    },
  },
  conditional: {
    runWithMissing: false,
    runWithInvalid: true,
    sources: (a) => ({ names: [a.if_field, a.then_field], required: new Set([a.if_field]) }),
    fn: (e, a, ctx, errors) => {
      const ifValue = getPath(e, a.if_field);
      let thenValue = getPath(e, a.then_field);
      if (thenValue === undefined) thenValue = null;
      if (!matches(ctx, a.if_field, a.if_match, ifValue)) return { ok: true };
      if (a.then_match.required === true && thenValue === null) {
        setPath(errors, a.then_field, msg.REQUIRED);
        return { ok: false, err: a.if_field };
      }
      const err = validateField(overlay(fieldAt(ctx.fields, a.then_field), a.then_match), thenValue);
      if (err === undefined) return { ok: true };
      setPath(errors, a.then_field, err);
      return { ok: false, err: a.if_field, custom: a.then_err };
    },
  },
  conditional_at_least_one_of: {
    runWithMissing: true,
    runWithInvalid: true,
    sources: (a) => ({
      names: [a.if_field, ...a.then_at_least_one_of, ...(a.else_then_at_least_one_of ?? [])],
      required: new Set([a.if_field]),
    }),
    fn: (e, a, ctx) => {
      const ifValue = getPath(e, a.if_field);
      if (ifValue === undefined) return { ok: true };
      let names: string[];
      let custom: string | undefined;
      if (matches(ctx, a.if_field, a.if_match, ifValue)) {
        names = a.then_at_least_one_of;
        custom = a.then_err;
      } else {
        if (!a.else_match || !matches(ctx, a.if_field, a.else_match, ifValue)) return { ok: true };
        names = a.else_then_at_least_one_of ?? [];
        custom = a.else_then_err;
      }
      if (firstNonEmpty(e, names)) return { ok: true };
      const list = quotedList(names);
      return { ok: false, err: list, custom: custom?.replace('%s', list) };
    },
  },
  custom_entity_check: {
    runWithMissing: false,
    runWithInvalid: false,
    sources: (a) => ({ names: [...a.field_sources], required: new Set(a.field_sources) }),
    fn: (e, a) => {
      const err = a.fn(e);
      return err === undefined ? { ok: true } : { ok: false, custom: err };
    },
  },
};

function entityMessage(name: string, err: string | undefined, updating: boolean): string {
  let format = entityCheckMessages[name];
  if (!format) return err ?? `failed entity check: ${name}`;
  if (updating && (name === 'at_least_one_of' || name === 'conditional_at_least_one_of')) format = `when updating, ${format}`;
  return format.replace('%s', err ?? '');
}

export function pushEntityError(errors: ErrorTree, message: string): void {
  const list = (errors['@entity'] as string[] | undefined) ?? [];
  list.push(message);
  errors['@entity'] = list;
}

interface PreparedCheck {
  name: string;
  arg: any;
  checker: Checker;
  names: string[];
  required: Set<string>;
  runWithMissing: boolean;
}

const prepared = new WeakMap<EntityCheck, PreparedCheck | null>();

/** What a check reads, worked out once per check definition (they never change). */
function prepare(check: EntityCheck): PreparedCheck | null {
  let p = prepared.get(check);
  if (p !== undefined) return p;
  const [name, arg] = Object.entries(check)[0] as [string, any];
  const checker = checkers[name];
  if (!checker || arg === null || arg === undefined) p = null;
  else {
    const { names, required } = checker.sources(arg);
    p = { name, arg, checker, names, required, runWithMissing: checker.runWithMissing || arg.run_with_missing_fields === true };
  }
  prepared.set(check, p);
  return p;
}

function runCheck(check: EntityCheck, input: Json, ctx: CheckContext, errors: ErrorTree): void {
  const p = prepare(check);
  if (!p) return;
  const { name, arg, checker, names, required, runWithMissing } = p;

  const view: Json = {};
  const missing: string[] = [];
  let allNil = true;
  let allOk = true;
  for (const fname of names) {
    const value = getPath(input, fname);
    if (value === undefined) {
      if (!runWithMissing && required.has(fname) && !fieldAt(ctx.fields, fname)?.nilable) missing.push(fname);
    } else {
      allNil = false;
      const field = fieldAt(ctx.fields, fname);
      // Kong defers checks on a vault reference until it is resolved.
      if (field?.type === 'string' && field.referenceable && typeof value === 'string' && value.startsWith('{vault://')) return;
    }
    if (errors[fname] !== undefined) allOk = false;
    setPath(view, fname, value);
  }
  if (!allOk && !checker.runWithInvalid) return;
  if (allNil && !(checker.runWithMissing && ctx.fullCheck)) return;
  if (missing.length > 0) {
    const text = ctx.updating ? `${msg.REQUIRED_FOR_ENTITY_CHECK} when updating` : msg.REQUIRED_FOR_ENTITY_CHECK;
    for (const m of missing) setPath(errors, m, text);
    return;
  }
  const outcome = checker.fn(view, arg, ctx, errors);
  if (outcome.ok) return;
  pushEntityError(errors, outcome.custom ?? entityMessage(name, outcome.err, ctx.updating));
}

export function runEntityChecks(
  checks: readonly EntityCheck[] | undefined,
  input: Json,
  ctx: CheckContext,
  errors: ErrorTree,
): void {
  for (const check of checks ?? []) runCheck(check, input, ctx, errors);
}
