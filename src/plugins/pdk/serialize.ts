/**
 * kong.log.serialize(): the facts a request gathered on its way through the pipeline, given
 * Kong's record shape by log-serializer.ts. Everything here is read from the ProxyRequest,
 * never from the client socket, which Node detaches before the log phase runs.
 */
import type { LogMeasures } from '../types.js';
import type { TLSSocket } from 'node:tls';
import type { ProxyRequest } from '../../proxy/pipeline/request-state.js';
import { applySerializeValue, buildLogRecord, type LogFacts, type LogRecord, type LogTry } from '../log-serializer.js';
import { copyHeaders } from './headers.js';
import { parseQuery } from './query.js';

/** nginx's $host: the Host header without its port, lower-cased; the listener address when absent. */
function hostOf(r: ProxyRequest): string {
  const host = r.host;
  if (!host) return r.socket?.localAddress ?? '';
  const end = host.startsWith('[') ? host.indexOf(']') + 1 : host.indexOf(':');
  return (end > 0 ? host.slice(0, end) : host).toLowerCase();
}

function triesOf(r: ProxyRequest): LogTry[] | undefined {
  if (r.tries.length === 0) return undefined;
  return r.tries.map((t) => {
    const out: LogTry = { ip: t.ip, port: t.port, balancer_start: t.balancerStart, balancer_latency: t.balancerLatency };
    if (t.failedStatus !== undefined) {
      out.state = 'failed';
      out.code = t.failedStatus;
    }
    return out;
  });
}

function tlsOf(r: ProxyRequest): LogFacts['tls'] {
  if (r.scheme !== 'https') return undefined;
  const socket = r.socket as TLSSocket;
  const version = socket.getProtocol?.();
  if (!version) return undefined;
  const peer = socket.getPeerCertificate?.();
  const presented = !!peer && Object.keys(peer).length > 0;
  // nginx's $ssl_client_verify: NONE without a client certificate.
  const clientVerify = !presented ? 'NONE' : socket.authorized ? 'SUCCESS' : `FAILED:${String(socket.authorizationError ?? '')}`;
  return { version, cipher: socket.getCipher?.()?.name ?? '', client_verify: clientVerify };
}

/** What the runtime knows about the request, at the moment the log phase asks. */
export function logFactsOf(r: ProxyRequest): LogFacts {
  const finishedHr = r.finishedHr ?? performance.now();
  const proxied = r.response?.source === 'service' && r.upstreamAnsweredHr !== null;
  const receive = proxied ? Math.round(finishedHr - r.upstreamAnsweredHr!) : 0;
  const upstreamUri = r.upstream && r.proxyLatency !== null ? (r.upstream.query !== null ? `${r.upstream.path}?${r.upstream.query}` : r.upstream.path) : '';
  return {
    requestId: r.id,
    scheme: r.scheme,
    host: hostOf(r),
    serverPort: r.listenerPort,
    requestUri: r.req.url ?? '/',
    method: r.req.method ?? 'GET',
    query: parseQuery(r.rawQuery),
    requestHeaders: r.headers(),
    requestSize: r.bytesIn,
    tls: tlsOf(r),
    upstreamUri,
    upstreamStatus: r.response?.upstreamStatus,
    status: r.response?.status ?? r.res?.statusCode ?? 0,
    responseHeaders: copyHeaders(r.response?.headers),
    responseSize: r.bytesOut,
    // Kong: time in Kong before proxying (or until its own answer), plus receiving the upstream body.
    kongLatency: (r.proxyLatency ?? r.responseLatency ?? 0) + receive,
    proxyLatency: r.upstreamLatency ?? -1,
    requestLatency: Math.round(finishedHr - r.startedHr),
    receiveLatency: receive,
    tries: triesOf(r),
    credential: r.credential,
    consumer: r.consumer,
    route: r.route,
    service: r.service,
    clientIp: r.clientIp,
    startedAt: r.startedAt,
    source: r.response?.source ?? 'error',
  };
}

/** The record's numbers alone, computed as logFactsOf computes them (no headers, query or copies). */
export function measuresOf(r: ProxyRequest): LogMeasures {
  const finishedHr = r.finishedHr ?? performance.now();
  const proxied = r.response?.source === 'service' && r.upstreamAnsweredHr !== null;
  const receive = proxied ? Math.round(finishedHr - r.upstreamAnsweredHr!) : 0;
  return {
    requestLatency: Math.round(finishedHr - r.startedHr),
    proxyLatency: r.upstreamLatency ?? -1,
    kongLatency: (r.proxyLatency ?? r.responseLatency ?? 0) + receive,
    requestSize: r.bytesIn,
    responseSize: r.bytesOut,
  };
}

/** Kong's basic log serializer plus the values plugins added with kong.log.set_serialize_value. */
export function serializeRequest(r: ProxyRequest): LogRecord {
  const record = buildLogRecord(logFactsOf(r));
  for (const v of r.serializeValues ?? []) applySerializeValue(record, v.key, v.value, v.mode);
  return record;
}
