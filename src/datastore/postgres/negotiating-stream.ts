import { Duplex } from 'node:stream';
import { Socket, connect as netConnect } from 'node:net';
import { connect as tlsConnect, type PeerCertificate, type TLSSocket } from 'node:tls';
import type { PgLinkSettings } from '../../config/index.js';
import { ErrorCode, GatewayError } from '../../errors.js';
import type { TlsMaterial } from './tls-settings.js';
import { describeTlsFailure } from './describe-error.js';
import { probeServerTlsVersion } from './probe-tls-version.js';
import { sniName, verifyServer } from './verify-server.js';

/** SSLRequest: Int32 length 8, Int32 code 80877103 (PostgreSQL protocol, "SSL Session Encryption"). */
const SSL_REQUEST = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);

export type NegotiationPhase = 'idle' | 'tcp' | 'sslrequest' | 'handshake' | 'verify' | 'ready' | 'closed';

export interface NegotiationHooks {
  /** The link's TLS material for this new connection (null when pg_ssl is off). */
  material(): TlsMaterial | null;
  /** The server answered `N` and the link may continue in plaintext. */
  onPlaintextFallback(): void;
  /** A TLS session was established (and verified when asked). */
  onTlsEstablished(socket: TLSSocket): void;
}

export function linkError(reason: string, hint?: string): GatewayError {
  return new GatewayError(ErrorCode.DATASTORE_CONNECT, reason, { hint });
}

const PHASE_WORDS: Partial<Record<NegotiationPhase, string>> = {
  tcp: 'while opening the TCP connection',
  sslrequest: 'waiting for the answer to SSLRequest',
  handshake: 'during the TLS handshake',
  verify: 'while verifying the server certificate',
};

/**
 * The socket node-postgres talks through (its `stream` option, used with `ssl: false`): it
 * does the SSLRequest exchange itself so that an `N` answer can continue in plaintext (Kong's
 * behaviour) or fail (pg_ssl_required / pg_ssl_verify), and verifies the server itself so
 * that depth, CRL and name checks give OpenSSL's numbered reasons. `'connect'` is emitted
 * only once the link is safe to speak on, so node-postgres never sends the startup message
 * (user name, database) before verification.
 */
export class NegotiatingStream extends Duplex {
  phase: NegotiationPhase = 'idle';
  private inner: Socket | TLSSocket | null = null;
  private tlsSocket: TLSSocket | null = null;
  private noDelay = true;
  private keepAlive: [boolean, number] | null = null;
  private unrefd = false;

  constructor(
    private readonly link: PgLinkSettings,
    private readonly hooks: NegotiationHooks,
  ) {
    super({ allowHalfOpen: false });
  }

  /** node-postgres: `stream.connect(port, host)`, then waits for `'connect'`. */
  connect(port: number, host: string): this {
    this.phase = 'tcp';
    const raw = netConnect({ port, host });
    this.adopt(raw);
    raw.once('connect', () => {
      if (this.destroyed) return;
      if (!this.link.ssl) return this.becomeReady(raw);
      this.phase = 'sslrequest';
      raw.write(SSL_REQUEST);
      raw.once('data', (chunk: Buffer) => this.onSslAnswer(raw, chunk, port, host));
    });
    return this;
  }

  private adopt(socket: Socket, onError: (err: Error) => void = (err) => this.fail(err)): void {
    this.inner = socket;
    socket.setNoDelay(this.noDelay);
    if (this.keepAlive) socket.setKeepAlive(...this.keepAlive);
    if (this.unrefd) socket.unref();
    socket.on('error', onError);
    socket.on('close', () => {
      if (this.inner === socket) this.onInnerClose();
    });
  }

  private onSslAnswer(raw: Socket, chunk: Buffer, port: number, host: string): void {
    if (this.destroyed) return;
    // Bytes after the one-byte answer would be read as if they came through TLS (CVE-2021-23214 in libpq): refuse.
    if (chunk.length > 1) return this.fail(linkError('the server sent unexpected data after its SSLRequest answer', `check that ${host}:${port} (pg_host, pg_port) is a PostgreSQL server and that nothing sits between`));
    const answer = String.fromCharCode(chunk[0]);
    if (answer === 'S') return this.startTls(raw);
    if (answer === 'N' && !this.link.sslRequired && !this.link.sslVerify) {
      this.hooks.onPlaintextFallback();
      return this.becomeReady(raw);
    }
    // Divergence: Kong continues in plaintext on `N` even with pg_ssl_verify = on, which lets anyone
    // in the path strip TLS; verification asked for means TLS required.
    const why = this.link.sslVerify ? 'pg_ssl_verify' : 'pg_ssl_required';
    this.fail(linkError('the server does not support SSL connections', `enable TLS on the PostgreSQL server (ssl = on, ssl_cert_file, ssl_key_file in postgresql.conf); ${why} = on refuses plaintext`));
  }

  private startTls(raw: Socket): void {
    const material = this.hooks.material();
    if (!material) return this.fail(linkError('internal: TLS requested without TLS material'));
    this.phase = 'handshake';
    raw.removeAllListeners('error');
    raw.removeAllListeners('close');
    const secure = tlsConnect({
      socket: raw,
      secureContext: material.secureContext,
      minVersion: material.minVersion,
      maxVersion: material.maxVersion,
      servername: sniName(this.link),
      // We verify ourselves after the handshake (numbered reasons, depth, CRL, name), and fail
      // before node-postgres writes a single byte of the startup message.
      rejectUnauthorized: false,
      checkServerIdentity: () => undefined,
    });
    this.tlsSocket = secure;
    this.adopt(secure, (err) => this.onTlsError(err, material));
    secure.once('secureConnect', () => {
      if (this.destroyed) return;
      if (!this.link.sslVerify) return this.established(secure);
      this.phase = 'verify';
      verifyServer(secure, this.link, material).then(
        (refusal) => {
          if (this.destroyed) return;
          if (refusal) return this.fail(linkError(refusal.reason, refusal.hint));
          this.established(secure);
        },
        (err: unknown) => this.fail(err instanceof Error ? err : new Error(String(err))),
      );
    });
  }

  /**
   * TLS errors in words the user can act on. A version disagreement is worth one probe
   * handshake so that the error names the server's version as well as ours.
   */
  private onTlsError(err: Error, material: TlsMaterial): void {
    if (this.destroyed) return;
    const failure = describeTlsFailure(err, this.link, material.versions);
    if (!failure) return this.fail(err);
    if (!/protocol version|unsupported protocol|wrong version number|version too/i.test(failure.reason)) {
      return this.fail(linkError(failure.reason, failure.hint));
    }
    const phase = this.phase;
    this.phase = 'closed'; // the probe below must not be mistaken for a timeout of this connection
    this.inner?.destroy();
    void probeServerTlsVersion(this.link.host, this.link.port, this.link.timeout).then((serverVersion) => {
      this.phase = phase;
      const named = describeTlsFailure(err, this.link, material.versions, serverVersion) ?? failure;
      this.fail(linkError(named.reason, named.hint));
    });
  }

  private established(secure: TLSSocket): void {
    this.hooks.onTlsEstablished(secure);
    this.becomeReady(secure);
  }

  private becomeReady(socket: Socket): void {
    this.phase = 'ready';
    socket.on('data', (data: Buffer) => {
      if (!this.push(data)) socket.pause();
    });
    socket.on('end', () => this.push(null));
    this.emit('connect');
  }

  private onInnerClose(): void {
    if (this.destroyed || this.phase === 'closed') return;
    if (this.phase !== 'ready') {
      return this.fail(linkError('closed', `the server closed the connection ${PHASE_WORDS[this.phase] ?? ''}; its log says why`.replace('  ', ' ')));
    }
    this.phase = 'closed';
    this.push(null);
    this.destroy();
  }

  private fail(err: Error): void {
    if (!this.destroyed) this.destroy(err);
  }

  override _read(): void {
    this.inner?.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (!this.inner || this.phase !== 'ready') return callback(new Error('write before the PostgreSQL link was ready'));
    this.inner.write(chunk, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (this.inner && !this.inner.destroyed) this.inner.end(() => callback());
    else callback();
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    const phase = this.phase;
    this.phase = 'closed';
    this.inner?.destroy();
    // node-postgres and pg-pool abort a slow connect with destroy() (with "timeout expired" or
    // nothing at all): say which step was too slow, in the words the user can act on.
    if (phase !== 'ready' && phase !== 'closed' && phase !== 'idle' && (!err || /timeout/i.test(err.message))) {
      const words = PHASE_WORDS[phase] ?? '';
      return callback(linkError('timeout', `no answer within pg_timeout (${this.link.timeout} ms) ${words} from ${this.link.host}:${this.link.port}; check pg_host, pg_port and pg_timeout`));
    }
    callback(err);
  }

  setNoDelay(noDelay = true): this {
    this.noDelay = noDelay;
    this.inner?.setNoDelay(noDelay);
    return this;
  }

  setKeepAlive(enable = false, initialDelay = 0): this {
    this.keepAlive = [enable, initialDelay];
    this.inner?.setKeepAlive(enable, initialDelay);
    return this;
  }

  ref(): this {
    this.unrefd = false;
    this.inner?.ref();
    return this;
  }

  unref(): this {
    this.unrefd = true;
    this.inner?.unref();
    return this;
  }

  /** node-postgres' SCRAM-SHA-256-PLUS reads the server certificate here (tls-server-end-point). */
  getPeerCertificate(detailed?: boolean): PeerCertificate | object | null {
    if (!this.tlsSocket) return null;
    return detailed ? this.tlsSocket.getPeerCertificate(true) : this.tlsSocket.getPeerCertificate();
  }

  getPeerX509Certificate() {
    return this.tlsSocket?.getPeerX509Certificate();
  }

  getProtocol(): string | null {
    return this.tlsSocket?.getProtocol() ?? null;
  }

  getCipher() {
    return this.tlsSocket?.getCipher();
  }

  /** Whether this connection is encrypted (false after a permitted plaintext fallback). */
  get encrypted(): boolean {
    return this.tlsSocket !== null;
  }
}
