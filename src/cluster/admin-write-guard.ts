import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { ErrorCode, GatewayError } from '../errors.js';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface ReachabilitySource {
  readonly reachable: boolean;
}

/** The Admin API's answer to a write while PostgreSQL is unreachable. */
export function databaseUnavailableError(): GatewayError {
  return new GatewayError(
    ErrorCode.SERVICE_UNAVAILABLE,
    'the database is unreachable: configuration changes are refused until it is back (this node keeps proxying with its last configuration)',
  );
}

/**
 * Wraps the Admin API listener: while the database is unreachable, writes are answered 503 at
 * once instead of waiting for a connection timeout, so clients can tell "retry later" from a
 * rejected change. Reads pass through (they fail on their own if they need the database).
 */
export function guardAdminWrites(handler: RequestListener, health: () => ReachabilitySource | undefined): RequestListener {
  return (req: IncomingMessage, res: ServerResponse) => {
    const h = health();
    if (h && !h.reachable && !READ_METHODS.has((req.method ?? 'GET').toUpperCase())) {
      const err = databaseUnavailableError();
      const body = JSON.stringify(err.toBody());
      req.resume();
      res.writeHead(err.status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), 'retry-after': '5' });
      res.end(body);
      return;
    }
    handler(req, res);
  };
}
