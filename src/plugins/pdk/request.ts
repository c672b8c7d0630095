import type { ProxyRequest } from '../../proxy/pipeline/request-state.js';
import type { PdkRequest, Query, QueryValue } from '../types.js';
import { parseQuery } from './query.js';
import { copyHeaders } from './headers.js';
import { parseBody } from './body.js';

/** kong.request: the client's request as received (never the upstream one). */
export class RequestPdk implements PdkRequest {
  private query: Query | null = null;
  constructor(private readonly r: ProxyRequest) {}

  getMethod() {
    return this.r.req.method ?? 'GET';
  }
  getPath() {
    return this.r.match?.normalizedPath ?? this.r.rawPath;
  }
  getRawPath() {
    return this.r.rawPath;
  }
  getPathWithQuery() {
    return this.r.req.url ?? '/';
  }
  getRawQuery() {
    return this.r.rawQuery ?? '';
  }
  getQuery(): Query {
    this.query ??= parseQuery(this.r.rawQuery);
    return this.query;
  }
  getQueryArg(name: string): QueryValue | undefined {
    return this.getQuery()[name];
  }
  getHeaders() {
    return copyHeaders(this.r.headers());
  }
  getHeader(name: string) {
    return this.r.header(name);
  }
  getScheme() {
    return this.r.scheme;
  }
  getForwardedScheme() {
    return (this.r.isTrusted && this.r.header('x-forwarded-proto')?.toLowerCase()) || this.r.scheme;
  }
  getHost() {
    const host = this.r.host;
    return stripPort(host).toLowerCase();
  }
  getForwardedHost() {
    const fwd = this.r.isTrusted ? this.r.header('x-forwarded-host') : undefined;
    return stripPort(fwd ?? this.r.host).toLowerCase();
  }
  getPort() {
    return this.r.listenerPort;
  }
  getForwardedPort() {
    const fwd = this.r.isTrusted ? Number(this.r.header('x-forwarded-port')) : NaN;
    return Number.isInteger(fwd) && fwd > 0 ? fwd : this.r.listenerPort;
  }
  getHttpVersion() {
    return Number(this.r.req.httpVersion);
  }
  getRawBody() {
    return this.r.readBody();
  }
  async getBody() {
    const raw = await this.r.readBody();
    return parseBody(raw, this.r.header('content-type'));
  }
  getStartTime() {
    return this.r.startedAt;
  }
  getId() {
    return this.r.id;
  }
}

function stripPort(host: string): string {
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    return end === -1 ? host : host.slice(0, end + 1);
  }
  const colon = host.indexOf(':');
  return colon === -1 ? host : host.slice(0, colon);
}
