import { describe, it, expect } from 'vitest';
import { validateEntity, registerEntity, getEntity, typedefs } from './index.js';
import { GatewayError, ErrorCode } from '../errors.js';

function violation(fn: () => unknown): GatewayError {
  try {
    fn();
  } catch (err) {
    if (err instanceof GatewayError) return err;
    throw err;
  }
  throw new Error('expected a schema violation');
}

const widgets = registerEntity({
  name: 'test_widgets',
  adminPath: 'test-widgets',
  fields: {
    id: typedefs.uuid(),
    created_at: typedefs.autoTimestampS(),
    updated_at: typedefs.autoTimestampS(),
    kind: { type: 'string', required: true, immutable: true },
    owner: { type: 'string', required: true, default: 'me' },
    size: { type: 'integer', between: [1, 10], default: 5 },
    labels: { type: 'map', keys: { type: 'string' }, values: { type: 'string' } },
    opts: { type: 'record', fields: { a: { type: 'boolean', default: true }, b: { type: 'string' } } },
    list: { type: 'set', elements: { type: 'string' } },
    blob: { type: 'json' },
  },
});

describe('validateEntity', () => {
  it('accepts an entity by name or object and fills nested record defaults', () => {
    const a = validateEntity('test_widgets', { kind: 'x' }, { operation: 'insert', now: 2_000_000_000_000 });
    const b = validateEntity(widgets, { kind: 'x' }, { operation: 'insert', now: 2_000_000_000_000 });
    expect(a).toMatchObject({ kind: 'x', size: 5, labels: null, opts: { a: true, b: null }, list: null, blob: null, created_at: 2_000_000_000 });
    expect(b.created_at).toBe(a.created_at);
    expect(a.id).not.toBe(b.id);
  });

  it('keeps a caller-supplied id and validates it', () => {
    expect(validateEntity(widgets, { id: 'a1b2c3d4-0000-4000-8000-000000000001', kind: 'x' }, { operation: 'insert' }).id).toBe(
      'a1b2c3d4-0000-4000-8000-000000000001',
    );
    expect(violation(() => validateEntity(widgets, { id: 'nope', kind: 'x' }, { operation: 'insert' })).fields).toEqual({ id: 'expected a valid UUID' });
  });

  it('reports type errors for every kind of field at once', () => {
    const err = violation(() =>
      validateEntity(widgets, { kind: 1, size: 2.5, labels: { a: 1 }, opts: 'x', list: 'y' }, { operation: 'insert' }),
    );
    expect(err.fields).toEqual({
      kind: 'expected a string',
      size: 'expected an integer',
      labels: 'expected a string',
      opts: 'expected a record',
      list: 'expected a set',
    });
    expect(err.message.startsWith('5 schema violations (kind: expected a string; labels: expected a string;')).toBe(true);
  });

  it('rejects empty strings and non-object input', () => {
    expect(violation(() => validateEntity(widgets, { kind: '' }, { operation: 'insert' })).fields).toEqual({ kind: 'length must be at least 1' });
    const err = violation(() => validateEntity(widgets, 'x', { operation: 'insert' }));
    expect(err.code).toBe(ErrorCode.SCHEMA_VIOLATION);
  });

  it('PATCH: merges onto existing, null clears, required null fails, updated_at moves, created_at stays', () => {
    const existing = validateEntity(widgets, { kind: 'x', size: 3, opts: { b: 'keep' }, list: ['a'] }, { operation: 'insert', now: 1_000_000_000_000 });
    const out = validateEntity(widgets, { size: null, opts: { a: false }, list: ['b', 'b'] }, { operation: 'update', existing, now: 1_000_000_500_000 });
    expect(out).toMatchObject({ kind: 'x', size: null, opts: { a: false, b: 'keep' }, list: ['b'], created_at: 1_000_000_000, updated_at: 1_000_000_500 });
    expect(out.id).toBe(existing.id);
    expect(violation(() => validateEntity(widgets, { owner: null }, { operation: 'update', existing })).fields).toEqual({
      owner: 'required field missing',
    });
  });

  it('refuses to change an immutable field', () => {
    const existing = validateEntity(widgets, { kind: 'x' }, { operation: 'insert' });
    expect(violation(() => validateEntity(widgets, { kind: 'y' }, { operation: 'update', existing })).fields).toEqual({
      kind: 'immutable field cannot be updated',
    });
    expect(validateEntity(widgets, { kind: 'x', size: 2 }, { operation: 'update', existing }).size).toBe(2);
  });

  it('PUT (upsert) replaces fully but keeps the stored created_at', () => {
    const existing = validateEntity(widgets, { kind: 'x', size: 3 }, { operation: 'insert', now: 1_000_000_000_000 });
    const out = validateEntity(widgets, { id: existing.id, kind: 'x' }, { operation: 'upsert', existing, now: 1_100_000_000_000 });
    expect(out).toMatchObject({ size: 5, created_at: 1_000_000_000, updated_at: 1_100_000_000 });
  });

  it('runs transformations unless told not to', () => {
    const stamped = registerEntity({
      name: 'test_stamped',
      fields: { id: typedefs.uuid(), text: { type: 'string', required: true }, upper: { type: 'string' } },
      transformations: [{ input: ['text'], onWrite: (text: string) => (text === 'fail' ? 'cannot stamp' : { upper: text.toUpperCase() }) }],
    });
    expect(validateEntity(stamped, { text: 'abc' }, { operation: 'insert' }).upper).toBe('ABC');
    expect(validateEntity(stamped, { text: 'abc' }, { operation: 'insert', transform: false }).upper).toBeNull();
    const err = violation(() => validateEntity(stamped, { text: 'fail' }, { operation: 'insert' }));
    expect(err.code).toBe(ErrorCode.TRANSFORMATION_ERROR);
    expect(err.message).toBe('transformation failed: cannot stamp');
    expect(getEntity('ca_certificates').transformations).toHaveLength(1);
  });

  it('per-element errors end at the last bad element, and repeated validation gives the same answer', () => {
    const bad = { kind: 'x', list: ['ok', '', 'fine', 7, 'last-ok'] };
    const first = violation(() => validateEntity(widgets, bad, { operation: 'insert' })).fields;
    expect(first).toEqual({ list: [null, 'length must be at least 1', null, 'expected a string'] });
    expect(violation(() => validateEntity(widgets, bad, { operation: 'insert' })).fields).toEqual(first);
    const input = { kind: 'x', opts: { b: 'y' } };
    validateEntity(widgets, input, { operation: 'insert' });
    expect(input).toEqual({ kind: 'x', opts: { b: 'y' } });
  });

  it('length limits count UTF-8 bytes, as Lua does', () => {
    const limited = registerEntity({
      name: 'test_limited',
      fields: { id: typedefs.uuid(), short: { type: 'string', len_max: 4 }, long: { type: 'string', len_min: 4 } },
    });
    expect(validateEntity(limited, { short: 'abcd', long: 'éé' }, { operation: 'insert' }).short).toBe('abcd');
    expect(violation(() => validateEntity(limited, { short: 'ééé', long: 'é' }, { operation: 'insert' })).fields).toEqual({
      short: 'length must be at most 4',
      long: 'length must be at least 4',
    });
  });
});
