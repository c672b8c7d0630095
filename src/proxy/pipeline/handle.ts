import type { IncomingMessage, ServerResponse } from 'node:http';
import { PassThrough, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { errorMessage } from '../../errors.js';
import type { Logger } from '../../log.js';
import type { PluginRunner } from '../../plugins/runner.js';
import type { SnapshotManager } from '../../snapshot/manager.js';
import { peerKey, type Balancer, type PickContext, type PickResult } from '../balancer/index.js';
import { classifyFailure, type UpstreamAgents, type UpstreamTlsOptions } from '../upstream.js';
import { MESSAGES } from './error-body.js';
import { addForwardingHeaders, responseHeadersFrom, upstreamHeadersFrom, upstreamHostHeader } from './forward-headers.js';
import { BodyCollector } from './body-collector.js';
import { ExitSignal, ProxyRequest, type OutgoingHeaders, type UpstreamTry } from './request-state.js';
import { applyPending, errorExit, finishHeaders, runPhases, sendOwnResponse, writeBuffered } from './respond.js';
import type { ProxySettings } from './settings.js';
import { openUpgrade, splice } from './websocket.js';

/** The raw socket of an HTTP Upgrade request (WebSocket). */
export interface UpgradeRequest {
  socket: import('node:stream').Duplex;
  head: Buffer;
}

/** The Writable an upstream body is written into, and what remains to do once it finished. */
interface ResponseSink {
  writable: Writable;
  done: (() => Promise<void>) | null;
}

const NO_PEERS_TRIED: Set<string> = new Set();

/** TLS SNI is the Host sent upstream without its port or IPv6 brackets. */
function tlsServerName(hostHeader: string): string {
  return hostHeader.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
}

/** nginx's proxy_next_upstream does not resend a non-idempotent request once it was sent. */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);

export interface PipelineDeps {
  snapshots: SnapshotManager;
  settings: ProxySettings;
  runner: PluginRunner;
  agents: UpstreamAgents;
  log: Logger;
  onRequest?: () => void;
}

interface Destination {
  address: string;
  port: number;
  /** Name for the Host header and TLS SNI. */
  hostName: string;
  pick: PickResult | null;
}

function hasClientBody(r: ProxyRequest): boolean {
  const h = r.headers();
  const len = h['content-length'];
  if (len !== undefined) return len !== '0';
  return h['transfer-encoding'] !== undefined;
}

/** Records a balancer attempt for the log record's `tries` (Kong's balancer_data.tries). */
function startTry(r: ProxyRequest, dest: Destination, pickedAt: number): UpstreamTry {
  const t: UpstreamTry = { ip: dest.address, port: dest.port, balancerStart: Date.now(), balancerLatency: Math.round(performance.now() - pickedAt) };
  r.tries.push(t);
  return t;
}

/** One request from arrival to the last byte (and the log phase after). */
export class ProxyPipeline {
  constructor(private readonly deps: PipelineDeps) {}

  readonly handle = (req: IncomingMessage, res: ServerResponse, listenerPort: number, upgrade?: UpgradeRequest): void => {
    this.deps.onRequest?.();
    const pending = this.deps.snapshots.pending();
    if (pending) {
      pending.then(
        () => this.start(req, res, listenerPort, upgrade),
        (err: unknown) => this.fail(err, res),
      );
    } else this.start(req, res, listenerPort, upgrade);
  };

  private fail(err: unknown, res: ServerResponse): void {
    this.deps.log.error({ err: errorMessage(err), stack: err instanceof Error ? err.stack : undefined }, 'proxy request failed');
    if (!res.headersSent) {
      res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
      res.end(`{"message":"${MESSAGES.unexpected}"}`);
    } else res.destroy();
  }

  /*
   * The plugin-free path is kept free of async wrappers (one promise per request, the upstream
   * exchange's): each async layer costs an allocation and a microtask hop on the way back.
   */
  private start(req: IncomingMessage, res: ServerResponse, listenerPort: number, upgrade: UpgradeRequest | undefined): void {
    let r: ProxyRequest;
    let done: Promise<void>;
    try {
      const snapshot = this.deps.snapshots.current();
      r = new ProxyRequest(req, res, snapshot, this.deps.settings, listenerPort);
      const { runner } = this.deps;
      const plugins = !snapshot.plugins.isEmpty;
      if (!plugins || !runner.hasLogPhase(snapshot.plugins)) {
        done = plugins ? this.withPlugins(r, upgrade) : this.route(r, upgrade);
        // Keeps the connection's byte marks current for a later request that is logged.
        done.then(() => r.finish(), (err: unknown) => this.fail(err, res));
        return;
      }
      res.once('finish', () => {
        r.finish();
        runner.log(r);
      });
      done = this.withPlugins(r, upgrade);
    } catch (err) {
      this.fail(err, res);
      return;
    }
    done.catch((err: unknown) => this.fail(err, res));
  }

  private withPlugins(r: ProxyRequest, upgrade: UpgradeRequest | undefined): Promise<void> {
    const rewriting = this.deps.runner.rewrite(r);
    if (rewriting === null) return this.route(r, upgrade);
    return rewriting.then((exit) => (exit ? this.exit(r, exit) : this.route(r, upgrade)));
  }

  /** Routing, then (with plugins) the access phase, then the upstream. */
  private route(r: ProxyRequest, upgrade: UpgradeRequest | undefined): Promise<void> {
    const { req, snapshot, listenerPort } = r;
    const match = snapshot.router.match({
      method: req.method ?? 'GET',
      scheme: r.scheme,
      host: r.host,
      port: listenerPort,
      rawPath: r.rawPath,
      headers: r.headers(),
      sni: r.sni,
    });
    if (!match) return this.exit(r, errorExit(r, 404, MESSAGES.noRoute, 'application/json'));
    r.match = match;
    r.route = match.route;
    r.service = match.service;
    if (match.redirect) return this.exit(r, this.httpsRedirect(r, match.redirect.status));
    if (!match.service) return this.exit(r, errorExit(r, 503, MESSAGES.noService, 'application/json'));

    const service = match.service;
    r.upstream = {
      method: req.method ?? 'GET',
      scheme: service.protocol === 'https' || service.protocol === 'grpcs' ? 'https' : 'http',
      path: match.upstreamPathEscaped,
      query: r.rawQuery,
      headers: upstreamHeadersFrom(r),
      body: r.requestBody,
      target: null,
      upstreamName: null,
      hostOverride: null,
    };
    if (!r.snapshot.plugins.isEmpty) return this.accessThenProxy(r, upgrade);
    return this.proxy(r, upgrade);
  }

  private async accessThenProxy(r: ProxyRequest, upgrade: UpgradeRequest | undefined): Promise<void> {
    const exit = await this.deps.runner.access(r);
    if (exit) return this.exit(r, exit);
    return this.proxy(r, upgrade);
  }

  private proxy(r: ProxyRequest, upgrade: UpgradeRequest | undefined): Promise<void> {
    addForwardingHeaders(r, r.upstream.headers);
    return upgrade ? this.forwardUpgrade(r, upgrade) : this.forward(r);
  }

  /** WebSocket (and other Upgrade) requests: connect, relay the 101, then splice the sockets. */
  private async forwardUpgrade(r: ProxyRequest, upgrade: UpgradeRequest): Promise<void> {
    const service = r.service!;
    const up = r.upstream;
    const upstreamName = up.upstreamName ?? (up.target ? null : (service.host as string));
    const balancer = upstreamName ? r.snapshot.balancers.get(upstreamName) : undefined;
    const tries = 1 + (Number.isInteger(service.retries) ? (service.retries as number) : 5);
    const tried = new Set<string>();
    const target = up.query === null ? up.path : `${up.path}?${up.query}`;
    r.proxyLatency = r.elapsedMs();
    for (let attempt = 0; attempt < tries; attempt++) {
      const pickedAt = performance.now();
      const dest = this.destination(r, balancer, tried);
      if (!dest) return this.exit(r, errorExit(r, 503, MESSAGES.noPeer, 'application/json'));
      const attemptLog = startTry(r, dest, pickedAt);
      const hostHeader = upstreamHostHeader(r, dest.hostName, dest.port);
      up.headers.host = hostHeader;
      const sentAt = performance.now();
      const outcome = await openUpgrade({
        scheme: up.scheme,
        address: dest.address,
        port: dest.port,
        servername: hostHeader.replace(/:\d+$/, ''),
        method: up.method,
        target,
        headers: up.headers,
        connectTimeout: Number(service.connect_timeout ?? 60000),
        tls: this.tlsOptions(r),
      }, String(r.header('upgrade')));
      if (dest.pick && balancer) balancer.release(dest.pick);
      if (outcome.kind === 'error') {
        attemptLog.error = outcome.error.code ?? 'ERROR';
        attemptLog.failedStatus = outcome.timeout ? 504 : 502;
        if (dest.pick && balancer) {
          balancer.report(dest.pick, outcome.timeout ? { kind: 'timeout' } : { kind: 'tcp_failure' });
          tried.add(peerKey(dest.pick));
        }
        if (attempt + 1 < tries) continue;
        return this.exit(r, errorExit(r, outcome.timeout ? 504 : 502, outcome.timeout ? MESSAGES.timeout : MESSAGES.badGateway, r.settings.errorDefaultType));
      }
      r.upstreamAnsweredHr = performance.now();
      r.upstreamLatency = Math.round(r.upstreamAnsweredHr - sentAt);
      if (outcome.kind === 'response') {
        const answer = outcome.response;
        if (dest.pick && balancer) balancer.report(dest.pick, { kind: 'http', status: answer.statusCode ?? 502 });
        r.response = { status: answer.statusCode ?? 502, headers: responseHeadersFrom(answer.headers as OutgoingHeaders), body: null, source: 'service', upstreamStatus: answer.statusCode };
        finishHeaders(r, true);
        r.res!.writeHead(r.response.status, r.response.headers);
        await pipeline(answer, r.res!).catch(() => r.res!.destroy());
        return;
      }
      if (dest.pick && balancer) balancer.report(dest.pick, { kind: 'http', status: outcome.status });
      r.response = { status: outcome.status, headers: outcome.headers, body: null, source: 'service', upstreamStatus: outcome.status };
      finishHeaders(r, true);
      r.res!.detachSocket(upgrade.socket as never);
      splice(upgrade.socket, upgrade.head, { ...outcome, headers: r.response.headers });
      r.finish();
      this.deps.runner.log(r);
      return;
    }
  }

  /** Spec §3.2 protocols: 426 `Please use HTTPS protocol`, or a redirect to the https URL. */
  private httpsRedirect(r: ProxyRequest, status: number): ExitSignal {
    if (status === 426) {
      return errorExit(r, 426, MESSAGES.useHttps, 'application/json', { Connection: 'Upgrade', Upgrade: 'TLS/1.2, HTTP/1.1' });
    }
    const fwdHost = r.isTrusted ? r.header('x-forwarded-host') : undefined;
    const host = (fwdHost ?? r.host).replace(/:\d+$/, '');
    return new ExitSignal(status, null, { Location: `https://${host}${r.req.url ?? '/'}` }, null);
  }

  private exit(r: ProxyRequest, exit: ExitSignal): Promise<void> {
    // A body the client is still sending is drained so the connection stays usable.
    if (!r.req.readableEnded && !r.requestBody) r.req.resume();
    return sendOwnResponse(r, this.deps.runner, exit);
  }

  private tlsOptions(r: ProxyRequest): UpstreamTlsOptions | null {
    const s = r.service!;
    if (r.upstream.scheme !== 'https') return null;
    const certs = r.snapshot.certificates;
    const ca = Array.isArray(s.ca_certificates) && s.ca_certificates.length
      ? (s.ca_certificates as string[]).map((id) => certs.caCertificate(id)?.cert).filter((c): c is string => !!c)
      : null;
    const client = certs.certificate(s.client_certificate?.id);
    return {
      verify: s.tls_verify === true,
      verifyDepth: typeof s.tls_verify_depth === 'number' ? s.tls_verify_depth : null,
      ca,
      clientCert: client ? { cert: client.cert, key: client.key } : r.settings.clientCertificate,
    };
  }

  private pickContext(r: ProxyRequest, tried: Set<string>): PickContext {
    return {
      clientIp: r.clientIp,
      consumerId: r.consumer?.id,
      headers: r.headers(),
      path: r.match?.normalizedPath ?? r.rawPath,
      query: new URLSearchParams(r.rawQuery ?? ''),
      uriCaptures: r.match?.uriCaptures as Record<string, string> | undefined,
      tried,
    };
  }

  private destination(r: ProxyRequest, balancer: Balancer | undefined, tried: Set<string>): Destination | null {
    const up = r.upstream;
    if (up.target) return { address: up.target.host, port: up.target.port, hostName: up.target.host, pick: null };
    if (balancer) {
      const pick = balancer.pick(this.pickContext(r, tried));
      if (!pick) return null;
      return { address: pick.address, port: pick.port, hostName: pick.hostHeader ?? pick.address, pick };
    }
    const s = r.service!;
    return { address: s.host, port: s.port, hostName: s.host, pick: null };
  }

  private async forward(r: ProxyRequest): Promise<void> {
    const service = r.service!;
    const up = r.upstream;
    const upstreamName = up.upstreamName ?? (up.target ? null : (service.host as string));
    const balancer = upstreamName ? r.snapshot.balancers.get(upstreamName) : undefined;
    const tries = 1 + (Number.isInteger(service.retries) ? (service.retries as number) : 5);
    const tried = balancer ? new Set<string>() : NO_PEERS_TRIED;
    const tls = this.tlsOptions(r);
    const streamBody = up.body === null && hasClientBody(r);
    const idempotent = IDEMPOTENT.has(up.method);
    const target = up.query === null ? up.path : `${up.path}?${up.query}`;
    const connectTimeout = Number(service.connect_timeout ?? 60000);
    const readTimeout = Number(service.read_timeout ?? 60000);
    r.proxyLatency = r.elapsedMs();

    for (let attempt = 0; attempt < tries; attempt++) {
      const pickedAt = performance.now();
      const dest = this.destination(r, balancer, tried);
      if (!dest) return this.exit(r, errorExit(r, 503, MESSAGES.noPeer, 'application/json'));
      const attemptLog = startTry(r, dest, pickedAt);
      const hostHeader = upstreamHostHeader(r, dest.hostName, dest.port);
      up.headers.host = hostHeader;
      r.upstreamAddress = { ip: dest.address, port: dest.port };
      const sentAt = performance.now();
      let sink: ResponseSink | null = null;
      try {
        await this.deps.agents.stream(
          {
            scheme: up.scheme,
            address: dest.address,
            port: dest.port,
            servername: up.scheme === 'https' ? tlsServerName(hostHeader) : undefined,
            method: up.method,
            target,
            headers: up.headers,
            body: up.body ?? (streamBody ? r.req : null),
            connectTimeout,
            readTimeout,
            tls,
          },
          (status, headers) => {
            r.upstreamAnsweredHr = performance.now();
            r.upstreamLatency = Math.round(r.upstreamAnsweredHr - sentAt);
            if (dest.pick && balancer) {
              balancer.report(dest.pick, { kind: 'http', status });
              balancer.observeLatency(dest.pick, r.upstreamLatency);
            }
            sink = this.sinkFor(r, status, headers, dest.pick);
            return sink.writable;
          },
        );
      } catch (err) {
        if (sink) {
          // Upstream reset or read timeout mid-body, or the client went away: the connection is cut, as nginx does.
          if (dest.pick && balancer) balancer.release(dest.pick);
          this.deps.log.info({ request_id: r.id, err: errorMessage(err) }, 'response stream interrupted');
          r.res!.destroy();
          return;
        }
        const failure = classifyFailure(err);
        const timedOut = failure.kind === 'timeout' || (failure.kind === 'connect' && failure.timeout);
        attemptLog.error = failure.code;
        attemptLog.failedStatus = timedOut ? 504 : 502;
        if (dest.pick && balancer) {
          balancer.report(dest.pick, timedOut ? { kind: 'timeout' } : { kind: 'tcp_failure' });
          balancer.release(dest.pick);
          tried.add(peerKey(dest.pick));
        }
        this.deps.log.warn({ request_id: r.id, upstream: `${dest.address}:${dest.port}`, code: failure.code, attempt: attempt + 1 }, 'upstream request failed');
        if (failure.kind === 'dns') return this.exit(r, errorExit(r, 503, MESSAGES.dnsFailed, 'application/json'));
        const bodyReplayable = !streamBody || !r.req.readableDidRead;
        const retryable = failure.kind === 'connect' || idempotent;
        if (attempt + 1 < tries && retryable && bodyReplayable) continue;
        // nginx-level errors: the format falls back to error_default_type (spec §3.8).
        return this.exit(r, errorExit(r, timedOut ? 504 : 502, timedOut ? MESSAGES.timeout : MESSAGES.badGateway, r.settings.errorDefaultType));
      }
      try {
        const done = (sink as ResponseSink | null)?.done;
        if (done) await done();
      } finally {
        if (dest.pick && balancer) balancer.release(dest.pick);
      }
      return;
    }
  }

  /**
   * Where the upstream body goes, decided when its headers arrive. Without plugins that need the
   * body or an asynchronous header filter, the client response itself: undici writes each chunk
   * into it, as the minimal proxy does.
   */
  private sinkFor(r: ProxyRequest, status: number, upstreamHeaders: OutgoingHeaders, pick: PickResult | null): ResponseSink {
    const { runner } = this.deps;
    const res = r.res!;
    const headers = responseHeadersFrom(upstreamHeaders);
    r.response = { status, headers, body: null, source: 'service', upstreamStatus: status, upstreamHeaders };
    applyPending(r, headers);
    if (pick?.setCookie) {
      const prev = headers['set-cookie'];
      headers['set-cookie'] = prev === undefined ? pick.setCookie : [...(Array.isArray(prev) ? prev : [prev]), pick.setCookie];
    }
    if (r.collected !== null || !r.snapshot.plugins.isEmpty) {
      if (runner.needsBufferedResponse(r)) {
        const collector = new BodyCollector();
        return {
          writable: collector,
          done: async () => {
            r.response!.body = collector.body();
            await runPhases(r, runner, true);
            finishHeaders(r, true);
            writeBuffered(r);
          },
        };
      }
      const filtering = runner.runLaterSync(r, 'headerFilter');
      if (filtering) {
        // A header filter went asynchronous: hold the body until the headers are final.
        const relay = new PassThrough();
        const relayed = filtering.then(() => {
          finishHeaders(r, true);
          res.writeHead(r.response!.status, r.response!.headers);
          return pipeline(relay, res);
        });
        relayed.catch(() => undefined);
        return {
          writable: relay,
          done: () =>
            relayed.catch((err) => {
              this.deps.log.info({ request_id: r.id, err: errorMessage(err) }, 'response stream interrupted');
              res.destroy();
            }),
        };
      }
    }
    finishHeaders(r, true);
    res.writeHead(status, headers);
    return { writable: res, done: null };
  }
}
