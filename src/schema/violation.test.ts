import { describe, it, expect } from 'vitest';
import { schemaViolation, schemaViolationMessage } from './index.js';
import { ErrorCode } from '../errors.js';

describe('schemaViolationMessage', () => {
  it('puts entity errors first, then fields sorted by name', () => {
    expect(schemaViolationMessage({ b: 'two', a: 'one', '@entity': ['whole'] })).toBe('3 schema violations (whole; a: one; b: two)');
  });

  it('uses the singular form for one error', () => {
    expect(schemaViolationMessage({ host: 'required field missing' })).toBe('schema violation (host: required field missing)');
  });

  it('numbers array elements from 1 and skips valid ones', () => {
    expect(schemaViolationMessage({ protocols: [null, 'bad', null, 'worse'] })).toBe('2 schema violations (protocols.2: bad; protocols.4: worse)');
  });

  it('writes one nested level as a.b and deeper levels as a Lua table', () => {
    expect(schemaViolationMessage({ config: { z: 'last', a: { b: 'deep', 'x-y': 'odd' } } })).toBe(
      '2 schema violations (config.a: {\n  b = "deep",\n  ["x-y"] = "odd"\n}; config.z: last)',
    );
  });

  it('builds a GatewayError with code 2 and the fields tree', () => {
    const err = schemaViolation({ name: 'x' });
    expect(err.code).toBe(ErrorCode.SCHEMA_VIOLATION);
    expect(err.toBody()).toEqual({ code: 2, name: 'schema violation', message: 'schema violation (name: x)', fields: { name: 'x' } });
  });
});
