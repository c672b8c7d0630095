import type { Setting } from './setting-types.js';

/** Turns one raw string into a typed value, or a message `<what is wrong> (<what is accepted>)`. */
export type Coerced = { ok: true; value: unknown } | { ok: false; error: string };

const BOOLEANS: Record<string, boolean> = { on: true, true: true, off: false, false: false };

export function coerceSetting(key: string, setting: Setting<unknown>, raw: string, display: string): Coerced {
  const value = raw.trim();
  const optional = setting.default === null;
  if (value === '') {
    // Kong: an empty value means unset.
    return { ok: true, value: setting.default };
  }
  switch (setting.kind) {
    case 'string':
      return { ok: true, value };
    case 'size':
      return /^\d+[kmg]?$/i.test(value)
        ? { ok: true, value: value.toLowerCase() }
        : { ok: false, error: `${key}: invalid size '${display}' (a number with an optional k, m or g suffix, e.g. 128m)` };
    case 'boolean': {
      const b = BOOLEANS[value.toLowerCase()];
      return b === undefined
        ? { ok: false, error: `${key}: invalid boolean '${display}' (on, off, true or false)` }
        : { ok: true, value: b };
    }
    case 'integer': {
      if (!/^-?\d+$/.test(value)) return { ok: false, error: `${key}: invalid integer '${display}' (a whole number${boundText(setting)})` };
      return checkMin(key, setting, Number(value), display);
    }
    case 'number': {
      if (!/^-?\d+(\.\d+)?$/.test(value)) return { ok: false, error: `${key}: invalid number '${display}' (a number${boundText(setting)})` };
      return checkMin(key, setting, Number(value), display);
    }
    case 'enum': {
      const values = setting.values ?? [];
      if (values.includes(value)) return { ok: true, value };
      const hint = key.endsWith('ssl_version') && value === 'tlsv1' ? "; 'tlsv1' was Kong's old value, use tlsv1_2" : '';
      return { ok: false, error: `${key}: invalid value '${display}' (${values.join(', ')}${hint})` };
    }
    case 'array': {
      if (value.toLowerCase() === 'off') return { ok: true, value: Object.freeze([]) };
      const items = value.split(',').map((v) => v.trim()).filter((v) => v !== '');
      return { ok: true, value: Object.freeze(items) };
    }
    default:
      return optional ? { ok: true, value } : { ok: true, value };
  }
}

function boundText(setting: Setting<unknown>): string {
  return setting.min !== undefined ? ` ≥ ${setting.min}` : '';
}

function checkMin(key: string, setting: Setting<unknown>, n: number, display: string): Coerced {
  if (setting.min !== undefined && n < setting.min) {
    return { ok: false, error: `${key}: ${display} is too small (a number ≥ ${setting.min})` };
  }
  return { ok: true, value: n };
}
