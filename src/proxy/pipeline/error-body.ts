/**
 * Kong's gateway-generated error bodies (kong/tools/… error templates): the format follows the
 * Accept header; without a usable one, `kong.response.error` answers JSON and nginx-level
 * errors (502/504 from the upstream) use `error_default_type`.
 */
export type ErrorFormat = 'application/json' | 'text/html' | 'application/xml' | 'text/plain';

const KNOWN: readonly ErrorFormat[] = ['application/json', 'text/html', 'application/xml', 'text/plain'];

/** The first media type in Accept that we can render; undefined for none or a wildcard. */
export function formatFromAccept(accept: string | undefined): ErrorFormat | undefined {
  if (!accept) return undefined;
  for (const part of accept.split(',')) {
    const type = part.split(';', 1)[0].trim().toLowerCase();
    const hit = KNOWN.find((k) => k === type);
    if (hit) return hit;
    if (type === 'text/*') return 'text/plain';
  }
  return undefined;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function escapeJson(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

export function renderError(format: ErrorFormat, message: string, requestId: string): { contentType: string; body: string } {
  switch (format) {
    case 'application/json':
      return { contentType: 'application/json; charset=utf-8', body: `{\n  "message":"${escapeJson(message)}",\n  "request_id":"${requestId}"\n}` };
    case 'text/html':
      return {
        contentType: 'text/html; charset=utf-8',
        body: `<!doctype html>\n<html>\n  <head>\n    <meta charset="utf-8">\n    <title>Error</title>\n  </head>\n  <body>\n    <h1>Error</h1>\n    <p>${escapeHtml(message)}.</p>\n    <p>request_id: ${requestId}</p>\n  </body>\n</html>\n`,
      };
    case 'application/xml':
      return {
        contentType: 'application/xml; charset=utf-8',
        body: `<?xml version="1.0" encoding="UTF-8"?>\n<error>\n  <message>${escapeHtml(message)}</message>\n  <requestid>${requestId}</requestid>\n</error>\n`,
      };
    default:
      return { contentType: 'text/plain; charset=utf-8', body: `${message}\nrequest_id: ${requestId}\n` };
  }
}

/** Kong's default messages per status (kong.response.error without a message, nginx error pages). */
export const DEFAULT_MESSAGES: Readonly<Record<number, string>> = {
  400: 'Bad request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  406: 'Not acceptable',
  407: 'Proxy authentication required',
  408: 'Request timeout',
  409: 'Conflict',
  410: 'Gone',
  411: 'Length required',
  412: 'Precondition failed',
  413: 'Payload too large',
  414: 'URI too long',
  415: 'Unsupported media type',
  416: 'Range not satisfiable',
  417: 'Expectation failed',
  429: 'API rate limit exceeded',
  500: 'An unexpected error occurred',
  502: 'An invalid response was received from the upstream server',
  503: 'The upstream server is currently unavailable',
  504: 'The upstream server is timing out',
};

export function defaultMessage(status: number): string {
  return DEFAULT_MESSAGES[status] ?? `The upstream server responded with ${status}`;
}

export const MESSAGES = {
  noRoute: 'no Route matched with those values',
  noService: 'no Service found with those values',
  noPeer: 'failure to get a peer from the ring-balancer',
  dnsFailed: 'name resolution failed',
  badGateway: 'An invalid response was received from the upstream server',
  timeout: 'The upstream server is timing out',
  unexpected: 'An unexpected error occurred',
  useHttps: 'Please use HTTPS protocol',
} as const;
