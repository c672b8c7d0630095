import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode, GatewayError, errorMessage, isGatewayError } from '../errors.js';
import type { GatewayContext } from '../gateway/context.js';
import { KONG_COMPAT_VERSION } from '../version.js';
import type { AdminRequest, AdminResponse, AdminRouter } from './router.js';

function send(res: ServerResponse, response: AdminResponse, startedAt: bigint, head: boolean): void {
  const headers: Record<string, string> = {
    'Access-Control-Allow-Origin': '*',
    'X-Kong-Admin-Latency': String(Number((process.hrtime.bigint() - startedAt) / 1_000_000n)),
    Server: `kong/${KONG_COMPAT_VERSION}`,
    ...response.headers,
  };
  if (response.body === undefined || response.status === 204) {
    res.writeHead(response.status, headers);
    res.end();
    return;
  }
  const isText = typeof response.body === 'string' && headers['Content-Type'] !== undefined;
  const payload = isText ? (response.body as string) : JSON.stringify(response.body);
  headers['Content-Type'] ??= 'application/json; charset=utf-8';
  headers['Content-Length'] = String(Buffer.byteLength(payload));
  res.writeHead(response.status, headers);
  res.end(head ? undefined : payload);
}

/** Turns any thrown value into Kong's error body; an unexpected one is logged and answered 500. */
export function errorResponse(err: unknown, ctx: GatewayContext): AdminResponse {
  if (isGatewayError(err)) return { status: err.status, body: err.toBody() };
  ctx.log.error({ err: errorMessage(err) }, 'unexpected error in the Admin API');
  return { status: 500, body: { message: 'An unexpected error occurred' } };
}

/** Kong's answer to OPTIONS: the path's methods, HEAD with GET, OPTIONS itself, sorted. */
export function allowedMethods(methods: readonly string[]): string {
  const all = new Set(methods.map((m) => m.toUpperCase()));
  if (all.has('GET')) all.add('HEAD');
  all.add('OPTIONS');
  return [...all].sort().join(', ');
}

/** The request listener of the Admin API. */
export function createAdminListener(router: AdminRouter, ctx: GatewayContext) {
  return (raw: IncomingMessage, res: ServerResponse): void => {
    const startedAt = process.hrtime.bigint();
    const method = (raw.method ?? 'GET').toUpperCase();
    let url: URL;
    try {
      url = new URL(raw.url ?? '/', 'http://admin');
    } catch {
      send(res, { status: 400, body: { message: 'Bad request' } }, startedAt, false);
      return;
    }
    const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
    const found = router.find(method, path);
    if (!found) {
      raw.resume();
      send(res, { status: 404, body: { message: 'Not found' } }, startedAt, method === 'HEAD');
      return;
    }
    if (method === 'OPTIONS' && !found.handler) {
      raw.resume();
      const allowed = allowedMethods(found.allowed);
      send(res, {
        status: 204,
        headers: { Allow: allowed, 'Access-Control-Allow-Methods': allowed, 'Access-Control-Allow-Headers': 'Content-Type' },
      }, startedAt, false);
      return;
    }
    if (!found.handler) {
      raw.resume();
      send(res, { status: 405, body: { message: 'Method not allowed' }, headers: { Allow: allowedMethods(found.allowed) } }, startedAt, method === 'HEAD');
      return;
    }
    const req: AdminRequest = { method, path, params: found.params, query: url.searchParams, headers: raw.headers, raw };
    Promise.resolve()
      .then(() => found.handler!(req, ctx))
      .catch((err: unknown) => errorResponse(err, ctx))
      .then((response) => {
        if (!raw.complete) raw.resume();
        send(res, response, startedAt, method === 'HEAD');
      })
      .catch((err: unknown) => {
        ctx.log.error({ err: errorMessage(err) }, 'failed to send an Admin API response');
        res.destroy();
      });
  };
}

export function methodNotAllowed(): never {
  throw new GatewayError(ErrorCode.METHOD_NOT_ALLOWED, 'Method not allowed');
}
