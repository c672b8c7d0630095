/**
 * Kong's request-transformer templates (Penlight `$(expr)` over a sandboxed environment),
 * evaluated without running user code: each `$(...)` is parsed into a small expression tree
 * with Lua's semantics for the subset that templates use in practice — field access
 * (`headers.x`, `headers["x-y"]`, `uri_captures[1]`), `or`/`and`/`not`, comparisons, `..`,
 * arithmetic, string/number/boolean/nil literals and a few pure functions (type, tostring,
 * tonumber, string.lower/upper/sub/len). Anything else is rejected when the plugin is saved.
 */

export class TemplateError extends Error {}

type Value = string | number | boolean | null | undefined | LuaTable;
/** Lua tables as templates see them: arrays are 1-based, objects keyed by string. */
export interface LuaTable {
  readonly kind: 'table';
  get(key: string | number): Value;
}

type Node =
  | { t: 'lit'; v: Value }
  | { t: 'name'; name: string }
  | { t: 'index'; obj: Node; key: Node }
  | { t: 'call'; fn: string; args: Node[] }
  | { t: 'bin'; op: string; l: Node; r: Node }
  | { t: 'not'; e: Node }
  | { t: 'neg'; e: Node };

// ----------------------------------------------------------------------------- tokenizer

type Tok = { k: 'num'; v: number } | { k: 'str'; v: string } | { k: 'id'; v: string } | { k: 'op'; v: string } | { k: 'eof' };

const OPS = ['==', '~=', '<=', '>=', '..', '<', '>', '+', '-', '*', '/', '%', '(', ')', '[', ']', '.', ',', '#'];

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(src[i + 1] ?? ''))) {
      const m = /^(0[xX][0-9a-fA-F]+|[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)/.exec(src.slice(i))!;
      out.push({ k: 'num', v: Number(m[1]) });
      i += m[1].length;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i))!;
      out.push({ k: 'id', v: m[0] });
      i += m[0].length;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      let s = '';
      while (j < src.length && src[j] !== c) {
        if (src[j] === '\\') {
          const e = src[j + 1];
          s += e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : e;
          j += 2;
        } else s += src[j++];
      }
      if (j >= src.length) throw new TemplateError('unfinished string');
      out.push({ k: 'str', v: s });
      i = j + 1;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (!op) throw new TemplateError(`unexpected symbol near '${c}'`);
    out.push({ k: 'op', v: op });
    i += op.length;
  }
  out.push({ k: 'eof' });
  return out;
}

// ----------------------------------------------------------------------------- parser

const FUNCTIONS = new Set(['type', 'tostring', 'tonumber', 'string.lower', 'string.upper', 'string.sub', 'string.len']);
/** Names a template may read; anything else is nil in Kong's sandbox, or a Lua global we refuse. */
export const TEMPLATE_ROOTS = new Set(['headers', 'query_params', 'uri_captures', 'shared']);

class Parser {
  private pos = 0;
  constructor(private readonly toks: Tok[]) {}

  parse(): Node {
    const e = this.or();
    if (this.peek().k !== 'eof') throw new TemplateError(`unexpected symbol near '${show(this.peek())}'`);
    return e;
  }

  private peek(): Tok {
    return this.toks[this.pos];
  }
  private next(): Tok {
    return this.toks[this.pos++];
  }
  private isOp(v: string): boolean {
    const t = this.peek();
    return t.k === 'op' && t.v === v;
  }
  private isWord(v: string): boolean {
    const t = this.peek();
    return t.k === 'id' && t.v === v;
  }
  private expectOp(v: string): void {
    if (!this.isOp(v)) throw new TemplateError(`'${v}' expected near '${show(this.peek())}'`);
    this.pos++;
  }

  private or(): Node {
    let l = this.and();
    while (this.isWord('or')) {
      this.pos++;
      l = { t: 'bin', op: 'or', l, r: this.and() };
    }
    return l;
  }
  private and(): Node {
    let l = this.cmp();
    while (this.isWord('and')) {
      this.pos++;
      l = { t: 'bin', op: 'and', l, r: this.cmp() };
    }
    return l;
  }
  private cmp(): Node {
    let l = this.concat();
    for (;;) {
      const t = this.peek();
      if (t.k === 'op' && ['==', '~=', '<', '>', '<=', '>='].includes(t.v)) {
        this.pos++;
        l = { t: 'bin', op: t.v, l, r: this.concat() };
      } else return l;
    }
  }
  private concat(): Node {
    const l = this.additive();
    // `..` is right-associative in Lua.
    if (this.isOp('..')) {
      this.pos++;
      return { t: 'bin', op: '..', l, r: this.concat() };
    }
    return l;
  }
  private additive(): Node {
    let l = this.multiplicative();
    while (this.isOp('+') || this.isOp('-')) {
      const op = (this.next() as { v: string }).v;
      l = { t: 'bin', op, l, r: this.multiplicative() };
    }
    return l;
  }
  private multiplicative(): Node {
    let l = this.unary();
    while (this.isOp('*') || this.isOp('/') || this.isOp('%')) {
      const op = (this.next() as { v: string }).v;
      l = { t: 'bin', op, l, r: this.unary() };
    }
    return l;
  }
  private unary(): Node {
    if (this.isWord('not')) {
      this.pos++;
      return { t: 'not', e: this.unary() };
    }
    if (this.isOp('-')) {
      this.pos++;
      return { t: 'neg', e: this.unary() };
    }
    if (this.isOp('#')) throw new TemplateError("the length operator '#' is not supported in templates");
    return this.postfix();
  }
  private postfix(): Node {
    let e = this.primary();
    for (;;) {
      if (this.isOp('.')) {
        this.pos++;
        const t = this.next();
        if (t.k !== 'id') throw new TemplateError(`<name> expected near '${show(t)}'`);
        e = { t: 'index', obj: e, key: { t: 'lit', v: t.v } };
      } else if (this.isOp('[')) {
        this.pos++;
        const key = this.or();
        this.expectOp(']');
        e = { t: 'index', obj: e, key };
      } else if (this.isOp('(')) {
        const fn = functionName(e);
        if (!fn || !FUNCTIONS.has(fn)) throw new TemplateError(`function '${fn ?? '?'}' is not available in templates (only ${[...FUNCTIONS].join(', ')})`);
        this.pos++;
        const args: Node[] = [];
        if (!this.isOp(')')) {
          args.push(this.or());
          while (this.isOp(',')) {
            this.pos++;
            args.push(this.or());
          }
        }
        this.expectOp(')');
        e = { t: 'call', fn, args };
      } else return e;
    }
  }
  private primary(): Node {
    const t = this.next();
    if (t.k === 'num' || t.k === 'str') return { t: 'lit', v: t.v };
    if (t.k === 'id') {
      if (t.v === 'nil') return { t: 'lit', v: undefined };
      if (t.v === 'true') return { t: 'lit', v: true };
      if (t.v === 'false') return { t: 'lit', v: false };
      if (['and', 'or', 'not', 'function', 'end', 'local', 'return'].includes(t.v)) throw new TemplateError(`unexpected symbol near '${t.v}'`);
      return { t: 'name', name: t.v };
    }
    if (t.k === 'op' && t.v === '(') {
      const e = this.or();
      this.expectOp(')');
      return e;
    }
    throw new TemplateError(`unexpected symbol near '${show(t)}'`);
  }
}

function functionName(n: Node): string | undefined {
  if (n.t === 'name') return n.name;
  if (n.t === 'index' && n.obj.t === 'name' && n.key.t === 'lit' && typeof n.key.v === 'string') return `${n.obj.name}.${n.key.v}`;
  return undefined;
}

function show(t: Tok): string {
  return t.k === 'eof' ? '<eof>' : String(t.v);
}

/** Only the roots templates may read, and the `string` library for its functions. */
function checkNames(n: Node): void {
  switch (n.t) {
    case 'name':
      if (!TEMPLATE_ROOTS.has(n.name)) throw new TemplateError(`'${n.name}' is not available in templates (use ${[...TEMPLATE_ROOTS].join(', ')})`);
      return;
    case 'index':
      checkNames(n.obj);
      checkNames(n.key);
      return;
    case 'call':
      n.args.forEach(checkNames);
      return;
    case 'bin':
      checkNames(n.l);
      checkNames(n.r);
      return;
    case 'not':
    case 'neg':
      checkNames(n.e);
      return;
    case 'lit':
      return;
  }
}

// ----------------------------------------------------------------------------- template

type Piece = string | Node;

export interface CompiledTemplate {
  readonly source: string;
  readonly pieces: readonly Piece[];
  /** True when the value has no `$(...)`: rendering returns it unchanged. */
  readonly literal: boolean;
}

/** Splits on `$(...)` with balanced parentheses (as Lua's `%b()`), parsing each expression. */
export function compileTemplate(source: string): CompiledTemplate {
  const pieces: Piece[] = [];
  let text = '';
  let i = 0;
  while (i < source.length) {
    if (source[i] === '$' && source[i + 1] === '(') {
      let depth = 0;
      let j = i + 1;
      for (; j < source.length; j++) {
        if (source[j] === '(') depth++;
        else if (source[j] === ')' && --depth === 0) break;
      }
      if (j >= source.length) {
        text += source.slice(i);
        break;
      }
      if (text) pieces.push(text);
      text = '';
      const expr = source.slice(i + 2, j);
      const node = new Parser(tokenize(expr)).parse();
      checkNames(node);
      pieces.push(node);
      i = j + 1;
    } else text += source[i++];
  }
  if (text) pieces.push(text);
  return { source, pieces, literal: pieces.every((p) => typeof p === 'string') };
}

/** An error message for the schema, or undefined when the template compiles. */
export function templateError(source: string): string | undefined {
  try {
    compileTemplate(source);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

export interface TemplateEnv {
  headers: () => Record<string, string | string[]>;
  query_params: () => Record<string, string | boolean | (string | boolean)[]>;
  uri_captures: () => Readonly<Record<string, string>>;
  shared: () => Record<string, unknown>;
}

/** Wraps plain JS data as a Lua table: arrays 1-based; optional key normalisation (headers). */
export function luaTable(data: unknown, normalizeKey?: (k: string) => string): LuaTable {
  return {
    kind: 'table',
    get(key) {
      if (Array.isArray(data)) return typeof key === 'number' ? toValue(data[key - 1]) : undefined;
      if (data === null || typeof data !== 'object') return undefined;
      let k = String(key);
      if (normalizeKey) k = normalizeKey(k);
      return Object.prototype.hasOwnProperty.call(data, k) ? toValue((data as Record<string, unknown>)[k]) : undefined;
    },
  };
}

function toValue(v: unknown): Value {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  return luaTable(v);
}

const headerKey = (k: string) => k.toLowerCase().replace(/_/g, '-');

function truthy(v: Value): boolean {
  return v !== undefined && v !== null && v !== false;
}

function luaType(v: Value): string {
  if (v === undefined || v === null) return 'nil';
  if (typeof v === 'object') return 'table';
  return typeof v;
}

/** Lua prints integral floats without a fraction; huge or fractional numbers as %.14g. */
export function luaNumberText(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e15) return String(n);
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  return String(Number(n.toPrecision(14)));
}

function toNumber(v: Value): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v.trim());
    return Number.isNaN(n) ? undefined : n;
  }
  return undefined;
}

function arith(op: string, l: Value, r: Value): number {
  const a = toNumber(l);
  const b = toNumber(r);
  if (a === undefined || b === undefined) throw new TemplateError(`attempt to perform arithmetic on a ${luaType(a === undefined ? l : r)} value`);
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return a / b;
    default:
      return a - Math.floor(a / b) * b;
  }
}

function concatText(v: Value): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return luaNumberText(v);
  throw new TemplateError(`attempt to concatenate a ${luaType(v)} value`);
}

function evaluate(n: Node, roots: Record<string, () => Value>): Value {
  switch (n.t) {
    case 'lit':
      return n.v;
    case 'name':
      return roots[n.name]?.();
    case 'index': {
      const obj = evaluate(n.obj, roots);
      if (typeof obj !== 'object' || obj === null) throw new TemplateError(`attempt to index a ${luaType(obj)} value`);
      const key = evaluate(n.key, roots);
      if (key === undefined || key === null || typeof key === 'object' || typeof key === 'boolean') return undefined;
      return obj.get(key);
    }
    case 'not':
      return !truthy(evaluate(n.e, roots));
    case 'neg':
      return arith('-', 0, evaluate(n.e, roots));
    case 'call':
      return callFunction(n.fn, n.args.map((a) => evaluate(a, roots)));
    case 'bin': {
      if (n.op === 'or') {
        const l = evaluate(n.l, roots);
        return truthy(l) ? l : evaluate(n.r, roots);
      }
      if (n.op === 'and') {
        const l = evaluate(n.l, roots);
        return truthy(l) ? evaluate(n.r, roots) : l;
      }
      const l = evaluate(n.l, roots);
      const r = evaluate(n.r, roots);
      switch (n.op) {
        case '==':
          return l === r || (l == null && r == null);
        case '~=':
          return !(l === r || (l == null && r == null));
        case '<':
        case '>':
        case '<=':
        case '>=': {
          const same = (typeof l === 'number' && typeof r === 'number') || (typeof l === 'string' && typeof r === 'string');
          if (!same) throw new TemplateError(`attempt to compare ${luaType(l)} with ${luaType(r)}`);
          const a = l as number | string;
          const b = r as number | string;
          return n.op === '<' ? a < b : n.op === '>' ? a > b : n.op === '<=' ? a <= b : a >= b;
        }
        case '..':
          return concatText(l) + concatText(r);
        default:
          return arith(n.op, l, r);
      }
    }
  }
}

function callFunction(fn: string, args: Value[]): Value {
  const [a, b, c] = args;
  switch (fn) {
    case 'type':
      return luaType(a);
    case 'tostring':
      return a === undefined || a === null ? 'nil' : typeof a === 'number' ? luaNumberText(a) : typeof a === 'object' ? 'table' : String(a);
    case 'tonumber':
      return toNumber(a);
    case 'string.lower':
      return concatText(a).toLowerCase();
    case 'string.upper':
      return concatText(a).toUpperCase();
    case 'string.len':
      return Buffer.byteLength(concatText(a));
    case 'string.sub': {
      // Lua's 1-based inclusive indices, negatives counting from the end.
      const s = concatText(a);
      const len = s.length;
      let i = toNumber(b) ?? 1;
      let j = toNumber(c) ?? -1;
      if (i < 0) i = Math.max(len + i + 1, 1);
      else if (i === 0) i = 1;
      if (j < 0) j = len + j + 1;
      else if (j > len) j = len;
      return i > j ? '' : s.slice(i - 1, j);
    }
  }
  throw new TemplateError(`function '${fn}' is not available in templates`);
}

/**
 * Renders a template. `$(expr)` whose value is nil or false renders as nothing (Penlight's
 * `(expr or '')`); strings and numbers as text; a table (e.g. a repeated header) is an error,
 * as it is in Kong.
 */
export function renderTemplate(tpl: CompiledTemplate, env: TemplateEnv): string {
  if (tpl.literal) return tpl.source;
  const cache: Partial<Record<keyof TemplateEnv, Value>> = {};
  const lazy = (name: keyof TemplateEnv, normalize?: (k: string) => string) => () => {
    if (!(name in cache)) cache[name] = luaTable(env[name](), normalize);
    return cache[name];
  };
  const roots: Record<string, () => Value> = {
    headers: lazy('headers', headerKey),
    query_params: lazy('query_params'),
    uri_captures: lazy('uri_captures'),
    shared: lazy('shared'),
  };
  let out = '';
  for (const piece of tpl.pieces) {
    if (typeof piece === 'string') {
      out += piece;
      continue;
    }
    const v = evaluate(piece, roots);
    if (!truthy(v)) continue;
    out += concatText(v);
  }
  return out;
}
