import type { PluginRunner } from '../../plugins/runner.js';
import { addHeader, setHeaders } from '../../plugins/pdk/headers.js';
import { viaToken } from './forward-headers.js';
import { defaultMessage, formatFromAccept, renderError, type ErrorFormat } from './error-body.js';
import { ExitSignal, type OutgoingHeaders, type ProxyRequest } from './request-state.js';

/** Statuses that never carry a body (RFC 9110). */
function bodiless(status: number, method: string | undefined): boolean {
  return method === 'HEAD' || status === 204 || status === 304 || (status >= 100 && status < 200);
}

function applyPending(r: ProxyRequest, headers: OutgoingHeaders): void {
  if (!r.pendingResponseHeaders) return;
  const pending = r.pendingResponseHeaders;
  for (const k in pending) headers[k] = pending[k];
  r.pendingResponseHeaders = null;
}

/**
 * Sends a response Kong (or a plugin) produced itself: plugin exits and gateway errors.
 * headerFilter/bodyFilter/log still run, as in Kong.
 */
export async function sendOwnResponse(r: ProxyRequest, runner: PluginRunner, exit: ExitSignal): Promise<void> {
  const res = r.res!;
  const headers: OutgoingHeaders = {};
  applyPending(r, headers);
  if (exit.headers) setHeaders(headers, exit.headers);
  if (exit.body && exit.contentType && headers['content-type'] === undefined) headers['content-type'] = exit.contentType;
  r.response = { status: exit.status, headers, body: exit.body, source: 'exit' };
  r.responseLatency = r.elapsedMs();
  await runPhases(r, runner, true);
  finishHeaders(r, false);
  writeBuffered(r);
}

/** A gateway error in Kong's template: `fallback` format when Accept names none we render. */
export function errorExit(r: ProxyRequest, status: number, message: string | undefined, fallback: ErrorFormat, headers?: Record<string, string>): ExitSignal {
  const format = formatFromAccept(r.header('accept')) ?? fallback;
  const rendered = renderError(format, message ?? defaultMessage(status), r.id);
  return new ExitSignal(status, Buffer.from(rendered.body), headers, rendered.contentType);
}

/** response (when buffered), headerFilter and bodyFilter phases over r.response. */
export async function runPhases(r: ProxyRequest, runner: PluginRunner, buffered: boolean): Promise<void> {
  if (buffered && r.response?.source === 'service' && runner.hasLater(r, 'response')) await runner.runLater(r, 'response');
  if (runner.hasLater(r, 'headerFilter')) await runner.runLater(r, 'headerFilter');
  if (buffered && runner.hasLater(r, 'bodyFilter')) await runner.runLater(r, 'bodyFilter');
}

/** Kong's own response headers (`headers` setting), then Content-Length for buffered bodies. */
export function finishHeaders(r: ProxyRequest, proxied: boolean): void {
  const s = r.settings;
  const h = r.response!.headers;
  if (proxied) {
    if (s.add.via) {
      const ours = viaToken(r);
      const via = h.via;
      h.via = via ? `${Array.isArray(via) ? via.join(', ') : via}, ${ours}` : ours;
    }
    if (s.add.server && h.server === undefined) h.server = s.serverToken;
    if (s.add.upstreamLatency && r.upstreamLatency !== null) h['x-kong-upstream-latency'] = String(r.upstreamLatency);
    if (s.add.proxyLatency && r.proxyLatency !== null) h['x-kong-proxy-latency'] = String(r.proxyLatency);
    if (s.add.upstreamStatus && r.response!.upstreamStatus !== undefined) h['x-kong-upstream-status'] = String(r.response!.upstreamStatus);
  } else {
    if (s.add.server) h.server = s.serverToken;
    if (s.add.responseLatency) h['x-kong-response-latency'] = String(r.responseLatency ?? r.elapsedMs());
  }
  if (s.add.requestId) h['x-kong-request-id'] = r.id;
}

export function writeBuffered(r: ProxyRequest): void {
  const res = r.res!;
  const resp = r.response!;
  const noBody = bodiless(resp.status, r.req.method);
  const body = resp.body ?? Buffer.alloc(0);
  delete resp.headers['transfer-encoding'];
  if (!(resp.status === 204 || resp.status === 304 || resp.status < 200)) resp.headers['content-length'] = String(body.length);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(resp.status, resp.headers);
  res.end(noBody ? undefined : body);
}

export { addHeader, applyPending };
