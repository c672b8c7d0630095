import type { ProxyRequest } from '../../proxy/pipeline/request-state.js';
import { copyHeaders } from './headers.js';

function strip(row: Record<string, unknown> | null): Record<string, unknown> | undefined {
  return row ? { ...row } : undefined;
}

function setPath(target: Record<string, unknown>, dotted: string, value: unknown): void {
  const parts = dotted.split('.');
  let obj = target;
  for (const p of parts.slice(0, -1)) {
    if (!obj[p] || typeof obj[p] !== 'object') obj[p] = {};
    obj = obj[p] as Record<string, unknown>;
  }
  obj[parts[parts.length - 1]] = value;
}

/** Kong's basic log serializer (kong/pdk/log.lua serialize): what log plugins send. */
export function serializeRequest(r: ProxyRequest): Record<string, unknown> {
  const host = r.req.headers.host ?? '';
  const headers = copyHeaders(r.headers());
  // Kong redacts credentials from logged request headers.
  if (headers.authorization) headers.authorization = 'REDACTED';
  if (headers['proxy-authorization']) headers['proxy-authorization'] = 'REDACTED';
  const out: Record<string, unknown> = {
    request: {
      uri: r.req.url,
      url: `${r.scheme}://${host}${r.req.url ?? ''}`,
      querystring: Object.fromEntries(new URLSearchParams(r.rawQuery ?? '')),
      method: r.req.method,
      headers,
      size: r.req.socket.bytesRead,
      id: r.id,
      ...(r.scheme === 'https' ? { tls: { version: (r.req.socket as any).getProtocol?.(), cipher: (r.req.socket as any).getCipher?.()?.name } } : {}),
    },
    upstream_uri: r.upstream ? `${r.upstream.path}${r.upstream.query !== null ? `?${r.upstream.query}` : ''}` : undefined,
    upstream_status: r.response?.upstreamStatus !== undefined ? String(r.response.upstreamStatus) : '',
    response: {
      status: r.response?.status ?? r.res?.statusCode,
      headers: r.res ? copyHeaders(r.res.getHeaders() as Record<string, string | string[]>) : {},
      size: r.res?.socket?.bytesWritten ?? r.bodySize,
    },
    tries: r.tries.map((t) => ({ ip: t.ip, port: t.port, ...(t.error ? { state: 'failed', code: t.error } : {}) })),
    latencies: {
      kong: (r.proxyLatency ?? r.responseLatency ?? 0) + 0,
      proxy: r.upstreamLatency ?? -1,
      request: r.elapsedMs(),
      receive: 0,
    },
    authenticated_entity: r.credential ? { id: r.credential.id } : undefined,
    route: strip(r.route as Record<string, unknown> | null),
    service: strip(r.service as Record<string, unknown> | null),
    consumer: strip(r.consumer as Record<string, unknown> | null),
    client_ip: r.clientIp,
    started_at: r.startedAt,
    source: r.response?.source === 'service' ? 'upstream' : r.response?.source === 'exit' ? 'kong' : r.response ? 'kong' : 'upstream',
  };
  for (const [k, v] of Object.entries(r.serializeExtra ?? {})) setPath(out, k, v);
  return out;
}
