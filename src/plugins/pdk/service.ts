import type { ProxyRequest } from '../../proxy/pipeline/request-state.js';
import type { Headers, PdkService, PdkServiceRequest, PdkServiceResponse, Query } from '../types.js';
import { addHeader, clearHeader, copyHeaders, firstHeader, setHeader } from './headers.js';
import { encodeQuery } from './query.js';
import { serializeBody } from './body.js';
import { ErrorCode, GatewayError } from '../../errors.js';

class ServiceRequestPdk implements PdkServiceRequest {
  constructor(private readonly r: ProxyRequest) {}

  setScheme(scheme: 'http' | 'https') {
    if (scheme !== 'http' && scheme !== 'https') throw new GatewayError(ErrorCode.BAD_REQUEST, `kong.service.request.setScheme: invalid scheme '${scheme}'`);
    this.r.upstream.scheme = scheme;
  }
  setMethod(method: string) {
    this.r.upstream.method = method.toUpperCase();
  }
  setPath(path: string) {
    if (!path.startsWith('/')) throw new GatewayError(ErrorCode.BAD_REQUEST, `kong.service.request.setPath: path must start with /`);
    this.r.upstream.path = path;
  }
  setRawQuery(query: string) {
    this.r.upstream.query = query;
  }
  setQuery(args: Query) {
    this.r.upstream.query = encodeQuery(args);
  }
  setHeader(name: string, value: string | number | string[]) {
    // Kong: setting Host here sets the upstream Host outright (ngx.var.upstream_host), over preserve_host and the target.
    if (name.toLowerCase() === 'host') this.r.upstream.hostOverride = String(value);
    else setHeader(this.r.upstream.headers, name, value);
  }
  addHeader(name: string, value: string | number) {
    addHeader(this.r.upstream.headers, name, value);
  }
  clearHeader(name: string) {
    clearHeader(this.r.upstream.headers, name);
  }
  setHeaders(headers: Headers) {
    for (const [name, value] of Object.entries(headers)) this.setHeader(name, value);
  }
  setRawBody(body: string | Buffer) {
    const bytes = typeof body === 'string' ? Buffer.from(body) : body;
    this.r.upstream.body = bytes;
    setBodyHeaders(this.r, bytes.length);
  }
  setBody(body: unknown, mimeType?: string) {
    const current = mimeType ?? firstHeader(this.r.upstream.headers, 'content-type');
    const out = serializeBody(body, current);
    this.r.upstream.body = out.bytes;
    setHeader(this.r.upstream.headers, 'content-type', out.contentType);
    setBodyHeaders(this.r, out.bytes.length);
  }
}

function setBodyHeaders(r: ProxyRequest, length: number): void {
  delete r.upstream.headers['transfer-encoding'];
  r.upstream.headers['content-length'] = String(length);
}

class ServiceResponsePdk implements PdkServiceResponse {
  constructor(private readonly r: ProxyRequest) {}
  getStatus() {
    return this.r.response?.upstreamStatus;
  }
  getHeaders() {
    return copyHeaders(this.r.response?.upstreamHeaders);
  }
  getHeader(name: string) {
    return firstHeader(this.r.response?.upstreamHeaders, name);
  }
}

/** kong.service: where and what the request is sent upstream. */
export class ServicePdk implements PdkService {
  readonly request: PdkServiceRequest;
  readonly response: PdkServiceResponse;
  constructor(private readonly r: ProxyRequest) {
    this.request = new ServiceRequestPdk(r);
    this.response = new ServiceResponsePdk(r);
  }
  setTarget(host: string, port: number) {
    this.r.upstream.target = { host, port };
    this.r.upstream.upstreamName = null;
  }
  setUpstream(name: string) {
    if (!this.r.snapshot.balancers.has(name)) return false;
    this.r.upstream.upstreamName = name;
    this.r.upstream.target = null;
    return true;
  }
}
