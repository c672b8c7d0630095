import type { TLSSocket } from 'node:tls';
import pg from 'pg';
import type { PgLinkSettings } from '../../config/index.js';
import { describeConnectError, linkConnectError } from './describe-error.js';
import { NegotiatingStream } from './negotiating-stream.js';
import { QuerySemaphore } from './query-semaphore.js';
import type { TlsMaterialSource } from './tls-settings.js';

export interface LinkLog {
  warn(message: string): void;
}

/** Counters a test (or `doctor`) can read: a pooled connection is reused without a new handshake. */
export interface LinkStats {
  connectionsOpened: number;
  tlsHandshakes: number;
  plaintextConnections: number;
}

export interface LinkQueryResult<R> {
  rows: R[];
  rowCount: number;
}

/**
 * One PostgreSQL link (primary or replica): node-postgres' pool for the protocol and SCRAM,
 * our NegotiatingStream for TLS, plus Kong's limits around it (backlog, query semaphore).
 */
export class LinkPool {
  readonly stats: LinkStats = { connectionsOpened: 0, tlsHandshakes: 0, plaintextConnections: 0 };
  private readonly pool: pg.Pool;
  private readonly semaphore: QuerySemaphore;
  private warnedPlaintext = false;

  constructor(
    readonly link: PgLinkSettings,
    readonly material: TlsMaterialSource,
    private readonly log: LinkLog,
  ) {
    this.semaphore = new QuerySemaphore(link.maxConcurrentQueries, link.semaphoreTimeout);
    this.pool = new pg.Pool({
      host: link.host,
      port: link.port,
      user: link.user,
      password: link.password ?? undefined,
      database: link.database,
      application_name: 'silverback',
      // TLS is ours (NegotiatingStream); node-postgres must not send its own SSLRequest.
      ssl: false,
      stream: () => this.newStream(),
      // Kong (pgmoon) uses SCRAM-SHA-256-PLUS whenever the server offers it over TLS.
      enableChannelBinding: true,
      connectionTimeoutMillis: link.timeout,
      query_timeout: link.timeout,
      // pg-pool: 0 disables the idle timer, which is Kong's "0 = keep forever".
      idleTimeoutMillis: link.keepaliveTimeout,
      max: link.poolSize,
      onConnect: (client: pg.ClientBase) => this.prepareSession(client),
    } as pg.PoolConfig);
    // An idle client's socket error must not crash the process; pg-pool drops that client.
    this.pool.on('error', () => undefined);
  }

  private newStream(): NegotiatingStream {
    this.stats.connectionsOpened++;
    return new NegotiatingStream(this.link, {
      // Read per new connection, so reloaded material reaches new connections only.
      material: () => this.material.current(),
      onPlaintextFallback: () => {
        this.stats.plaintextConnections++;
        if (this.warnedPlaintext) return;
        this.warnedPlaintext = true;
        this.log.warn(
          `PostgreSQL ${this.link.host}:${this.link.port} does not support SSL connections; continuing in plaintext because pg_ssl_required and pg_ssl_verify are off (set pg_ssl_required = on to refuse)`,
        );
      },
      onTlsEstablished: (_socket: TLSSocket) => {
        this.stats.tlsHandshakes++;
      },
    });
  }

  /** Kong runs `SET SCHEMA …; SET TIME ZONE 'UTC';` on every new physical connection. */
  private async prepareSession(client: pg.ClientBase): Promise<void> {
    const schema = this.link.schema ? `SET SCHEMA ${pg.escapeLiteral(this.link.schema)}; ` : '';
    await client.query(`${schema}SET TIME ZONE 'UTC'`);
  }

  get totalCount(): number {
    return this.pool.totalCount;
  }

  get idleCount(): number {
    return this.pool.idleCount;
  }

  /** A connection from the pool (new or reused); failures are described, never pooled. */
  async checkout(): Promise<pg.PoolClient> {
    const { backlog, poolSize } = this.link;
    const saturated = this.pool.totalCount >= poolSize && this.pool.idleCount === 0;
    if (backlog !== null && saturated && this.pool.waitingCount >= backlog) {
      throw linkConnectError({
        reason: 'too many waiting connect operations',
        hint: `all pg_pool_size (${poolSize}) connections are busy and pg_backlog (${backlog}) callers already wait; raise pg_pool_size or pg_backlog`,
      });
    }
    try {
      return await this.pool.connect();
    } catch (err) {
      throw linkConnectError(describeConnectError(err, this.link), err);
    }
  }

  /**
   * Runs fn on one connection, holding one query slot unless `holdSlot` is false (a session
   * lock held around other queries must not take a slot they need); the connection is
   * discarded if fn fails.
   */
  async withClient<T>(fn: (client: pg.PoolClient) => Promise<T>, options: { holdSlot?: boolean } = {}): Promise<T> {
    const release = options.holdSlot === false ? () => undefined : await this.semaphore.acquire();
    try {
      const client = await this.checkout();
      try {
        const value = await fn(client);
        client.release();
        return value;
      } catch (err) {
        // Kong closes a connection after any error instead of pooling it.
        client.release(err instanceof Error ? err : new Error(String(err)));
        throw err;
      }
    } finally {
      release();
    }
  }

  async query<R>(sql: string, params?: readonly unknown[]): Promise<LinkQueryResult<R>> {
    return this.withClient(async (client) => {
      const result = await client.query(sql, params ? [...params] : undefined);
      return { rows: result.rows as R[], rowCount: result.rowCount ?? result.rows.length };
    });
  }

  async end(): Promise<void> {
    if (!this.pool.ended && !this.pool.ending) await this.pool.end();
  }
}
