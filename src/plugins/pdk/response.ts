import type { ProxyRequest, OutgoingHeaders } from '../../proxy/pipeline/request-state.js';
import { ExitSignal } from '../../proxy/pipeline/request-state.js';
import { defaultMessage, formatFromAccept, renderError } from '../../proxy/pipeline/error-body.js';
import type { Headers, PdkResponse } from '../types.js';
import { addHeader, clearHeader, copyHeaders, firstHeader, setHeader, setHeaders } from './headers.js';

/** kong.response: the response the client will get. */
export class ResponsePdk implements PdkResponse {
  constructor(private readonly r: ProxyRequest) {}

  /** Before a response exists (access phase), header changes wait and apply to whatever is sent. */
  private target(): OutgoingHeaders {
    if (this.r.response) return this.r.response.headers;
    this.r.pendingResponseHeaders ??= {};
    return this.r.pendingResponseHeaders;
  }

  exit(status: number, body?: unknown, headers?: Headers): never {
    if (!Number.isInteger(status) || status < 100 || status > 599) throw new TypeError(`kong.response.exit: invalid status ${status}`);
    let bytes: Buffer | null = null;
    let contentType: string | null = null;
    if (body !== undefined && body !== null) {
      if (Buffer.isBuffer(body)) bytes = body;
      else if (typeof body === 'string') bytes = Buffer.from(body);
      else {
        bytes = Buffer.from(JSON.stringify(body));
        contentType = 'application/json; charset=utf-8';
      }
    }
    throw new ExitSignal(status, bytes, headers, contentType);
  }

  error(status: number, message?: string, headers?: Headers): never {
    // kong.response.error: no usable Accept means JSON (spec §3.8).
    const format = formatFromAccept(this.r.header('accept')) ?? 'application/json';
    const rendered = renderError(format, message ?? defaultMessage(status), this.r.id);
    throw new ExitSignal(status, Buffer.from(rendered.body), headers, rendered.contentType);
  }

  getStatus() {
    return this.r.response?.status ?? 200;
  }
  setStatus(status: number) {
    if (this.r.response) this.r.response.status = status;
  }
  getHeader(name: string) {
    return firstHeader(this.r.response?.headers ?? this.r.pendingResponseHeaders ?? undefined, name);
  }
  getHeaders() {
    return copyHeaders(this.r.response?.headers ?? this.r.pendingResponseHeaders ?? undefined);
  }
  setHeader(name: string, value: string | number | string[]) {
    setHeader(this.target(), name, value);
  }
  addHeader(name: string, value: string | number) {
    addHeader(this.target(), name, value);
  }
  clearHeader(name: string) {
    clearHeader(this.target(), name);
  }
  setHeaders(headers: Headers) {
    setHeaders(this.target(), headers);
  }
  getSource() {
    return this.r.response?.source ?? 'service';
  }
  getRawBody() {
    return this.r.response?.body ?? undefined;
  }
  setRawBody(body: string | Buffer) {
    if (!this.r.response) return;
    this.r.response.body = typeof body === 'string' ? Buffer.from(body) : body;
  }
}
