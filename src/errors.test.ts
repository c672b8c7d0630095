import { describe, expect, it } from 'vitest';
import { ErrorCode, GatewayError } from './errors.js';

describe('GatewayError', () => {
  it('renders Kong bodies for Kong codes', () => {
    const err = new GatewayError(ErrorCode.SCHEMA_VIOLATION, 'schema violation (name: expected a string)', {
      fields: { name: 'expected a string' },
    });
    expect(err.status).toBe(400);
    expect(err.toBody()).toEqual({
      code: 2,
      name: 'schema violation',
      message: 'schema violation (name: expected a string)',
      fields: { name: 'expected a string' },
    });
  });
  it('renders one CLI line with a hint', () => {
    const err = new GatewayError(ErrorCode.CONFIG, 'pg_ssl: expected a boolean', { hint: 'use on or off' });
    expect(err.toCliText()).toBe('Error: pg_ssl: expected a boolean\n  hint: use on or off');
  });
});
