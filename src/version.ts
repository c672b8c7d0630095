import { readFileSync } from 'node:fs';

/** Silverback's version, from package.json. */
export const VERSION: string = (() => {
  try {
    return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
})();

/** The Kong version whose behaviour we follow; clients such as decK check it. */
export const KONG_COMPAT_VERSION = '3.10.0';
