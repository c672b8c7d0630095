/**
 * Declarative errors in Kong's three shapes: the nested `fields` tree mirroring the file
 * (`{services: [null, {host: "required field missing"}]}`), the flattened list of
 * `flatten_errors=1` (one record per failing entity with `field`/`entity` errors), and our
 * CLI lines that give each error's path in the file.
 */
import { ErrorCode, GatewayError, type FieldErrors } from '../errors.js';
import { isUuid } from '../schema/index.js';

export type Segment = string | number;

/** Everything wrong with one item of the file. */
export interface ItemProblem {
  /** Where the item is: `['services', 0, 'routes', 2]` (0-based indexes). */
  readonly location: readonly Segment[];
  /** Its entity type (`routes`). */
  readonly entityName: string;
  /** The item as written (nested arrays removed, parent key added as Kong does), for `flattened_errors`. */
  readonly input: unknown;
  /** Schema violations, in the shape of GatewayError.fields. */
  fieldErrors?: FieldErrors;
  /** Item-level messages: uniqueness violations, unresolved references, non-record items. */
  readonly messages: string[];
}

/** A problem outside any item: `_format_version`, an unknown top-level key, a section that is not an array. */
export interface TopLevelProblem {
  readonly key: string;
  readonly message: string;
}

const problemsOf = new WeakMap<GatewayError, { items: readonly ItemProblem[]; top: readonly TopLevelProblem[] }>();

/** The problems behind a declarative GatewayError (empty for a parse failure). */
export function declarativeProblems(err: GatewayError): { items: readonly ItemProblem[]; top: readonly TopLevelProblem[] } {
  return problemsOf.get(err) ?? { items: [], top: [] };
}

// ---------------------------------------------------------------------------------------
// Lua-style dump, as Kong's message uses pl.pretty.write(err_t, "")

function luaString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

function luaKey(k: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? k : `[${luaString(k)}]`;
}

/** Lua tables have no null: a sparse array shows its explicit indexes (`{[2]="..."}`). */
export function luaDump(value: unknown): string {
  if (value === null || value === undefined) return 'nil';
  if (typeof value === 'string') return luaString(value);
  if (typeof value !== 'object') return String(value);
  if (Array.isArray(value)) {
    const dense = value.every((v) => v !== null && v !== undefined);
    if (dense) return `{${value.map(luaDump).join(',')}}`;
    const parts: string[] = [];
    value.forEach((v, i) => {
      if (v !== null && v !== undefined) parts.push(`[${i + 1}]=${luaDump(v)}`);
    });
    return `{${parts.join(',')}}`;
  }
  const obj = value as Record<string, unknown>;
  return `{${Object.keys(obj).sort().map((k) => `${luaKey(k)}=${luaDump(obj[k])}`).join(',')}}`;
}

// ---------------------------------------------------------------------------------------
// the nested tree

interface Node {
  fields?: FieldErrors;
  messages: string[];
  children: Map<string, Map<number, Node>>;
}

const newNode = (): Node => ({ messages: [], children: new Map() });

function renderNode(node: Node): FieldErrors[string] {
  const hasObject = (node.fields && Object.keys(node.fields).length > 0) || node.children.size > 0;
  if (!hasObject) return node.messages.length === 1 ? node.messages[0] : [...node.messages];
  const out: FieldErrors = { ...(node.fields ?? {}) };
  for (const [section, items] of node.children) out[section] = renderSection(items);
  if (node.messages.length > 0) {
    const prior = out['@entity'];
    out['@entity'] = [...(Array.isArray(prior) ? (prior as string[]) : typeof prior === 'string' ? [prior] : []), ...node.messages];
  }
  return out;
}

function renderSection(items: Map<number, Node>): (FieldErrors | string | null)[] {
  const max = Math.max(...items.keys());
  const arr: (FieldErrors | string | null)[] = new Array(max + 1).fill(null);
  for (const [i, node] of items) arr[i] = renderNode(node) as FieldErrors | string;
  return arr;
}

/** Kong's `fields` for a failed declarative configuration: the errors placed where the items are. */
export function buildErrorTree(items: readonly ItemProblem[], top: readonly TopLevelProblem[]): FieldErrors {
  const root = newNode();
  for (const p of items) {
    let node = root;
    for (let i = 0; i + 1 < p.location.length; i += 2) {
      const section = String(p.location[i]);
      const index = Number(p.location[i + 1]);
      let list = node.children.get(section);
      if (!list) node.children.set(section, (list = new Map()));
      let next = list.get(index);
      if (!next) list.set(index, (next = newNode()));
      node = next;
    }
    if (p.fieldErrors) node.fields = { ...(node.fields ?? {}), ...p.fieldErrors };
    node.messages.push(...p.messages);
  }
  const out: FieldErrors = {};
  for (const [section, list] of root.children) out[section] = renderSection(list);
  for (const t of top) out[t.key] = t.message;
  return out;
}

/** Code 14 with Kong's message (`declarative config is invalid: <Lua dump>`). */
export function declarativeError(fields: FieldErrors, items: readonly ItemProblem[] = [], top: readonly TopLevelProblem[] = []): GatewayError {
  const err = new GatewayError(ErrorCode.DECLARATIVE_CONFIG, `declarative config is invalid: ${luaDump(fields)}`, {
    fields,
    hint: 'fix the entries listed above and load the file again',
  });
  problemsOf.set(err, { items, top });
  return err;
}

// ---------------------------------------------------------------------------------------
// flatten_errors

export interface FlatError {
  type: 'field' | 'entity';
  field?: string;
  message: string;
}

export interface FlattenedEntityErrors {
  entity_type: string;
  entity_name?: string;
  entity_id?: string;
  entity_tags?: string[];
  entity: unknown;
  errors: FlatError[];
}

const byKey = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Kong's categorize_errors: `@entity` anywhere is an entity error; arrays count from 1. */
function categorize(errs: unknown, ns: string, out: FlatError[]): void {
  const join = (k: string) => (ns ? `${ns}.${k}` : k);
  const entries: [string, unknown][] = Array.isArray(errs)
    ? errs.map((v, i) => [String(i + 1), v] as [string, unknown])
    : Object.keys(errs as object).sort(byKey).map((k) => [k, (errs as Record<string, unknown>)[k]]);
  for (const [key, value] of entries) {
    if (value === null || value === undefined) continue;
    if (key === '@entity') {
      for (const m of Array.isArray(value) ? value : [value]) out.push({ type: 'entity', message: String(m) });
    } else if (typeof value === 'string') {
      out.push({ type: 'field', field: join(key), message: value });
    } else if (typeof value === 'object') {
      categorize(value, join(key), out);
    }
  }
}

function singular(name: string): string {
  return name.endsWith('s') ? name.slice(0, -1) : name;
}

/** File order of two item locations; where one contains the other, `nesting` decides. */
function compareLocations(a: readonly Segment[], b: readonly Segment[], nesting: 'children first' | 'parents first'): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    return typeof x === 'number' && typeof y === 'number' ? x - y : byKey(String(x), String(y));
  }
  return nesting === 'children first' ? b.length - a.length : a.length - b.length;
}

/** One record per failing item, children before the items they are nested in, as Kong orders them. */
export function flattenErrors(items: readonly ItemProblem[]): FlattenedEntityErrors[] {
  const sorted = [...items].sort((a, b) => compareLocations(a.location, b.location, 'children first'));
  return sorted.map((p) => {
    const errors: FlatError[] = [];
    if (p.fieldErrors) categorize(p.fieldErrors, '', errors);
    for (const m of p.messages) errors.push({ type: 'entity', message: m });
    const input = (typeof p.input === 'object' && p.input !== null ? p.input : {}) as Record<string, unknown>;
    const record: FlattenedEntityErrors = { entity_type: singular(p.entityName), entity: p.input, errors };
    if (typeof input.name === 'string' && input.name.length > 0) record.entity_name = input.name;
    if (typeof input.id === 'string' && isUuid(input.id)) record.entity_id = input.id;
    if (Array.isArray(input.tags) && input.tags.every((t) => typeof t === 'string')) record.entity_tags = input.tags as string[];
    return record;
  });
}

// ---------------------------------------------------------------------------------------
// CLI lines

function fieldLines(errs: unknown, path: string, out: { path: string; message: string }[]): void {
  if (typeof errs === 'string') {
    out.push({ path, message: errs });
    return;
  }
  if (Array.isArray(errs)) {
    errs.forEach((v, i) => {
      if (v !== null && v !== undefined) fieldLines(v, `${path}[${i}]`, out);
    });
    return;
  }
  if (typeof errs === 'object' && errs !== null) {
    for (const key of Object.keys(errs).sort(byKey)) {
      const v = (errs as Record<string, unknown>)[key];
      if (key === '@entity') for (const m of Array.isArray(v) ? v : [v]) out.push({ path, message: String(m) });
      else fieldLines(v, path ? `${path}.${key}` : key, out);
    }
  }
}

function locationPath(location: readonly Segment[]): string {
  return location.map((s) => (typeof s === 'number' ? `[${s}]` : `.${s}`)).join('').replace(/^\./, '');
}

/** Every error as `path in the file: message`, paths 0-based (`services[0].routes[1].paths[0]`), in file order. */
export function errorLines(items: readonly ItemProblem[], top: readonly TopLevelProblem[]): string[] {
  const lines: string[] = top.map((t) => `${t.key}: ${t.message}`);
  const ordered = [...items].sort((a, b) => compareLocations(a.location, b.location, 'parents first'));
  for (const p of ordered) {
    const base = locationPath(p.location);
    const input = p.input as Record<string, unknown> | null;
    const label = input && typeof input === 'object' && typeof input.name === 'string' ? ` (${p.entityName.replace(/s$/, '')} '${input.name}')` : '';
    const found: { path: string; message: string }[] = [];
    if (p.fieldErrors) fieldLines(p.fieldErrors, '', found);
    for (const m of p.messages) found.push({ path: '', message: m });
    for (const f of found) lines.push(`${base}${f.path ? (f.path.startsWith('[') ? f.path : `.${f.path}`) : ''}${label}: ${f.message}`);
  }
  return lines;
}
