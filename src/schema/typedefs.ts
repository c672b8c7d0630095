/**
 * Ready-made field types shared by entities and plugins (Kong's kong/db/schema/typedefs.lua).
 * Each is a function so a caller can lay its own attributes over it: `host({ required: true })`.
 */
import type { FieldDef, FieldsDef } from './types.js';
import { normalizeIp, isValidIp, isValidIpOrCidr, isValidCidr } from './support/ip.js';
import { normalizePath } from './support/uri.js';
import { parseUrl } from './support/url.js';
import { parseCertificate, parseKey } from './support/pem.js';

type Overrides = Partial<FieldDef>;
const def = (base: FieldDef) => (o: Overrides = {}): FieldDef => ({ ...base, ...o });

/** Every protocol Kong knows, sorted, as constants.PROTOCOLS. */
export const PROTOCOLS = ['grpc', 'grpcs', 'http', 'https', 'tcp', 'tls', 'tls_passthrough', 'udp'] as const;
export const HTTP_PROTOCOLS = ['grpc', 'grpcs', 'http', 'https'] as const;
export const STREAM_PROTOCOLS = ['tcp', 'tls', 'tls_passthrough', 'udp'] as const;

// ---------------------------------------------------------------------------------------
// validators (each returns Kong's message, or undefined when the value is fine)

export function validateHost(host: string): string | undefined {
  const r = normalizeIp(host);
  if (!r.ok && r.error !== 'invalid port number') return `invalid value: ${host}`;
  if (!r.ok || r.value.port !== undefined) return 'must not have a port';
  return undefined;
}

export function validateHostWithOptionalPort(host: string): string | undefined {
  const r = normalizeIp(host);
  return r.ok ? undefined : r.error;
}

export function validateSni(host: string): string | undefined {
  const r = normalizeIp(host);
  if (!r.ok && r.error !== 'invalid port number') return `invalid value: ${host}`;
  if (r.ok && r.value.type !== 'name') return 'must not be an IP';
  if (!r.ok || r.value.port !== undefined) return 'must not have a port';
  return undefined;
}

export function validateWildcardHost(input: string): string | undefined {
  let host = input;
  const idx = host.indexOf('*');
  if (idx >= 0) {
    if (idx !== 0 && idx !== host.length - 1) return 'wildcard must be leftmost or rightmost character';
    if (host.split('*').length - 1 > 1) return 'only one wildcard must be specified';
    host = host.replace('*', 'wildcard');
  }
  return validateSni(host);
}

/** Kong's path check; `code` tells a bad %-escape from a character outside RFC 3986. */
export function checkPath(path: string): { err: string; code: 'rfc3986' | 'percent' } | undefined {
  if (!/^\/[A-Za-z0-9.\-_~/%:@!$&'()*+,;=]*$/.test(path)) {
    return { err: `invalid path: '${path}' (characters outside of the reserved list of RFC 3986 found)`, code: 'rfc3986' };
  }
  const raw = path.replace(/%[0-9A-Fa-f]{2}/g, '___');
  const pct = raw.indexOf('%');
  if (pct >= 0) {
    return { err: `invalid url-encoded value: '${raw.slice(pct, pct + 3)}'`, code: 'percent' };
  }
  return undefined;
}

/**
 * PCRE route regexes compiled by JavaScript: `(?P<n>` is PCRE-only syntax and a leading
 * inline flag group such as `(?i)` is not understood by Node 20, so both are rewritten.
 */
export function compileRouteRegex(source: string): string | undefined {
  const js = source.replace(/\(\?P</g, '(?<').replace(/^\(\?([imsx]+)\)/, '');
  try {
    new RegExp(js);
    return undefined;
  } catch (err) {
    return (err as Error).message.replace(/^Invalid regular expression: /, '');
  }
}

export function validateRouterPath(path: string): string | undefined {
  const bad = checkPath(path);
  // Kong only lets the %-encoding error through here: route paths may hold any character.
  if (bad?.code === 'percent') return bad.err;
  if (!path.startsWith('~')) {
    const normalized = normalizePath(path, true);
    if (normalized !== path) return `non-normalized path, consider use '${normalized}' instead`;
    return undefined;
  }
  const regex = path.slice(1);
  const error = compileRouteRegex(regex);
  return error === undefined ? undefined : `invalid regex: '${regex}' (PCRE returned: ${error})`;
}

export function validateUrl(url: string): string | undefined {
  const parsed = parseUrl(url);
  if (!parsed.host) return 'missing host in url';
  if (!parsed.scheme) return 'missing scheme in url';
  return undefined;
}

export function validateHeaderName(name: string): string | undefined {
  if (name === '') return 'no header name provided';
  if (/^[a-zA-Z0-9\-_]+$/.test(name)) return undefined;
  return `bad header name '${name}', allowed characters are A-Z, a-z, 0-9, '_', and '-'`;
}

export function validateHttpToken(token: string): string | undefined {
  if (token === '') return 'no token provided';
  if (!/[\x00-\x1F\x7F\x80-\uFFFF \t()<>@,;:\\"/?={}[\]]/.test(token)) return undefined;
  return 'contains one or more invalid characters. ASCII control characters (0-31;127), space, tab and the characters ()<>@,;:\\"/?={}[] are not allowed.';
}

function validateUtf8Name(name: string): string | undefined {
  if (/^[A-Za-z0-9.\-_~\u0080-\u{10FFFF}]+$/u.test(name)) return undefined;
  return `invalid value '${name}': the only accepted ascii characters are alphanumerics or ., -, _, and ~`;
}

function validateName(name: string): string | undefined {
  if (/^[A-Za-z0-9.\-_~]+$/.test(name)) return undefined;
  return `invalid value '${name}': it must only contain alphanumeric and '., -, _, ~' characters`;
}

function validateTag(tag: string): string | undefined {
  // printable ASCII except ',' and '/', plus space and anything beyond ASCII
  if (/^[ !-+\-.0-~\u0080-\u{10FFFF}]+$/u.test(tag)) return undefined;
  return `invalid tag '${tag}': expected printable ascii (except \`,\` and \`/\`) or valid utf-8 sequences`;
}

// ---------------------------------------------------------------------------------------
// typedefs

export const uuid = def({ type: 'string', uuid: true, auto: true });
export const autoTimestampS = def({ type: 'integer', timestamp: true, auto: true });
export const autoTimestampMs = def({ type: 'number', timestamp: true, auto: true });

export const name = def({ type: 'string', unique: true, custom_validator: validateName });
export const utf8Name = def({ type: 'string', unique: true, custom_validator: validateUtf8Name });

export const tag = def({ type: 'string', required: true, custom_validator: validateTag });
export const tags = def({ type: 'set', elements: tag() });

export const host = def({ type: 'string', custom_validator: validateHost });
export const hostWithOptionalPort = def({ type: 'string', custom_validator: validateHostWithOptionalPort });
export const wildcardHost = def({ type: 'string', custom_validator: validateWildcardHost });
export const sni = def({ type: 'string', custom_validator: validateSni });
export const ip = def({
  type: 'string',
  custom_validator: (v: string) => (isValidIp(v) ? undefined : `not an ip address: ${v}`),
});
export const ipOrCidr = def({
  type: 'string',
  custom_validator: (v: string) => (isValidIpOrCidr(v) ? undefined : `invalid ip or cidr range: '${v}'`),
});
export const cidrV4 = def({
  type: 'string',
  custom_validator: (v: string) =>
    /^[\d.]+(\/\d+)?$/.test(v) && (isValidIp(v) || isValidCidr(v)) ? undefined : `invalid ipv4 cidr range: '${v}'`,
});

export const port = def({ type: 'integer', between: [0, 65535] });
export const timeout = def({ type: 'integer', between: [0, 2 ** 31 - 2] });

export const path = def({
  type: 'string',
  starts_with: '/',
  match_none: [{ pattern: /\/\//, err: 'must not have empty segments' }],
  custom_validator: (v: string) => checkPath(v)?.err,
});

export const url = def({ type: 'string', custom_validator: validateUrl });
export const headerName = def({ type: 'string', custom_validator: validateHeaderName });
export const cookieName = def({ type: 'string', custom_validator: validateHttpToken });

export const httpMethod = def({ type: 'string', match: /^[A-Z]+$/ });
export const protocol = def({ type: 'string', one_of: PROTOCOLS });
export const protocols = def({ type: 'set', required: true, default: [...HTTP_PROTOCOLS], elements: protocol() });
export const protocolsHttp = def({
  type: 'set',
  required: true,
  default: [...HTTP_PROTOCOLS],
  elements: { type: 'string', one_of: HTTP_PROTOCOLS },
});

export const certificate = def({
  type: 'string',
  custom_validator: (v: string) => {
    const r = parseCertificate(v);
    return r.ok ? undefined : `invalid certificate: ${r.error}`;
  },
});
export const key = def({
  type: 'string',
  custom_validator: (v: string) => {
    const r = parseKey(v);
    return r.ok ? undefined : `invalid key: ${r.error}`;
  },
});

export const semanticVersion = def({
  type: 'string',
  match_any: { patterns: [/^\d+[.\d]*$/, /^\d+[.\d]*-?.*$/], err: 'invalid version number: must be in format of X.Y.Z' },
  match_none: [{ pattern: /\.\./, err: 'must not have empty version segments' }],
});

export const noConsumer = def({ type: 'foreign', reference: 'consumers', eq: null });
export const noRoute = def({ type: 'foreign', reference: 'routes', eq: null });
export const noService = def({ type: 'foreign', reference: 'services', eq: null });

/** Kong's DAO_MAX_TTL (100 million seconds). */
export const ttl = def({ type: 'number', between: [0, 100_000_000] });

// ---------------------------------------------------------------------------------------
// route typedefs

const ipPortFields: FieldsDef = { ip: ipOrCidr(), port: port() };
const ipPort: FieldDef = { type: 'record', fields: ipPortFields, entity_checks: [{ at_least_one_of: ['ip', 'port'] }] };

export const sources = def({ type: 'set', elements: ipPort });
export const destinations = def({ type: 'set', elements: ipPort });
export const methods = def({ type: 'set', elements: httpMethod() });

export const hosts = def({
  type: 'array',
  elements: {
    type: 'string',
    match_all: [{ pattern: /^[^*]*\*?[^*]*$/, err: 'invalid wildcard: must have at most one wildcard' }],
    match_any: {
      patterns: [/^\*\./, /\.\*$/, /^[^*]*$/],
      err: 'invalid wildcard: must be placed at leftmost or rightmost label',
    },
    custom_validator: (v: string) => validateHostWithOptionalPort(v.replace(/\*/g, 'abc')),
  },
});

export const routerPath = def({
  type: 'string',
  match_any: { patterns: [/^\//, /^~\//], err: 'should start with: / (fixed path) or ~/ (regex path)' },
  match_none: [{ pattern: /\/\//, err: 'must not have empty segments' }],
  custom_validator: validateRouterPath,
});
export const routerPaths = def({ type: 'array', elements: routerPath() });

export const headers = def({
  type: 'map',
  keys: headerName(),
  values: { type: 'array', elements: { type: 'string' } },
});
