import { createServer, type RequestListener } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { join } from 'node:path';
import type { Server } from 'node:net';
import { hostname } from 'node:os';
import type { Config, Listener } from '../config/index.js';
import { parseListeners } from '../config/index.js';
import { registerInfoRoutes, registerStatusRoutes } from '../admin/info.js';
import { AdminRouter } from '../admin/router.js';
import { createAdminListener } from '../admin/server.js';
import { openDatastore } from '../datastore/index.js';
import type { Datastore } from '../datastore/index.js';
import { assertStartable, bootstrap, schemaState, up } from '../datastore/migrations/index.js';
import { ErrorCode, errorMessage, isGatewayError } from '../errors.js';
import { guardAdminWrites } from '../cluster/admin-write-guard.js';
import { openPostgresWithoutPreflight } from '../cluster/lazy-datastore.js';
import { findSnapshotManager } from '../cluster/snapshot-lookup.js';
import { loadOrCreateCertificate, type CertPair } from '../proxy/tls/default-certificate.js';
import type { DatabaseHealth } from '../cluster/db-health.js';
import { readPersistedSnapshot, type PersistedSnapshot } from '../snapshot/persist.js';
import type { Logger } from '../log.js';
import { nodeId, preparePrefix, removePidFile, writePidFile } from '../prefix.js';
import { VERSION } from '../version.js';
import type { GatewayContext } from './context.js';
import { createContext, getService } from './context.js';
import { closeServer, listenOn } from './listen.js';
import { runStartHooks } from './hooks.js';

export interface StartOptions {
  runMigrations?: boolean;
  /** Write the pid file (a foreground or detached node); tests leave it off. */
  pidFile?: boolean;
  /**
   * Proxy worker processes (`nginx_worker_processes` resolved). Above 1 this process is the
   * primary: datastore, Admin API and status here, proxy listeners in the workers. Default 1:
   * everything in this process, as tests use it.
   */
  workers?: number;
}

export interface RunningNode {
  readonly ctx: GatewayContext;
  /** Bound addresses per setting, e.g. for tests that use port 0. */
  readonly addresses: Record<'proxy' | 'admin' | 'status', { host: string; port: number; ssl: boolean }[]>;
  stop(): Promise<void>;
}

/** Embedded: bootstrap and migrate on their own. PostgreSQL: Kong's rules (bootstrap is explicit). */
async function prepareSchema(db: Datastore, config: Config, log: Logger, opts: StartOptions): Promise<void> {
  const say = (line: string) => log.info(line);
  if (db.kind === 'embedded') {
    const state = await schemaState(db);
    if (state.needsBootstrap) await bootstrap(db, say);
    else if (state.hasNew) await up(db, say);
    return;
  }
  if (opts.runMigrations) {
    const state = await schemaState(db);
    if (!state.needsBootstrap && state.hasNew) await up(db, say);
  }
  const state = await schemaState(db);
  assertStartable(state);
  if (state.hasPending) log.info("Database has pending migrations; run 'silverback migrations finish' when ready");
  void config;
}

function listenersOf(config: Config, key: 'proxy_listen' | 'admin_listen' | 'status_listen'): Listener[] {
  return parseListeners(key, config[key]).listeners;
}

/**
 * An ssl Admin API or status listener serves `<setting>` (admin_ssl_cert, status_ssl_cert) or
 * the certificate generated once in `<prefix>/ssl` (Kong's admin-kong-default.crt and
 * status-kong-default.crt), so a restart presents the same one.
 */
async function listenerCertificates(config: Config, setting: 'admin_ssl_cert' | 'status_ssl_cert', baseName: string): Promise<CertPair[]> {
  const list = (v: unknown) => (Array.isArray(v) ? (v as string[]) : []);
  return loadOrCreateCertificate({ certFiles: list(config[setting]), keyFiles: list(config[`${setting}_key`]), setting, sslDir: join(config.prefix, 'ssl'), baseName });
}

function tlsServer(certs: CertPair[], handler: RequestListener): Server {
  return createHttpsServer({ cert: certs.map((c) => c.cert), key: certs.map((c) => c.key), minVersion: 'TLSv1.2' }, handler);
}

/**
 * PostgreSQL down at start with a snapshot saved in the prefix: serve that snapshot and let the
 * cluster change feed connect (and catch up) once the database is back. Without a saved
 * snapshot the pre-flight error stands, as Kong refuses to start.
 */
async function openOrDegrade(config: Config, log: Logger): Promise<{ datastore: Datastore | null; saved: PersistedSnapshot | null }> {
  if (config.database === 'off') return { datastore: null, saved: null };
  const warn = { warn: (msg: string) => log.warn(msg) };
  try {
    return { datastore: await openDatastore(config, warn), saved: null };
  } catch (err) {
    if (config.database !== 'postgres' || !isGatewayError(err) || err.code !== ErrorCode.DATASTORE_CONNECT) throw err;
    const saved = readPersistedSnapshot(config.prefix);
    if (!saved) throw err;
    const ageS = Math.round((Date.now() - saved.savedAt) / 1000);
    log.warn(
      { snapshotVersion: saved.version, savedAt: new Date(saved.savedAt).toISOString(), ageSeconds: ageS },
      `PostgreSQL is unreachable (${err.message}); serving the configuration saved in ${config.prefix}/snapshot.json ${ageS} s ago until it is back`,
    );
    return { datastore: openPostgresWithoutPreflight(config, warn), saved };
  }
}

/** Starts one node in this process: datastore, schema, Admin API, status and proxy listeners. */
export async function startNode(config: Config, log: Logger, opts: StartOptions = {}): Promise<RunningNode> {
  preparePrefix(config.prefix);
  const { datastore, saved } = await openOrDegrade(config, log);
  const primary = (opts.workers ?? 1) > 1;
  const servers: Server[] = [];
  const stopHooks: (() => Promise<void>)[] = [];
  try {
    if (datastore && !saved) await prepareSchema(datastore, config, log, opts);
    const ctx = createContext(
      config,
      log,
      datastore,
      [
        ['clusterRole', primary ? 'primary' : 'single'],
        ['workerCount', opts.workers ?? 1],
      ],
      { nodeId: nodeId(config), version: VERSION, hostname: hostname() },
    );
    if (saved) {
      ctx.services.set('startedDegraded', true);
      ctx.services.set('startupSnapshot', saved);
    }

    const adminRouter = new AdminRouter();
    registerInfoRoutes(adminRouter);
    const statusRouter = new AdminRouter();
    registerStatusRoutes(statusRouter);
    const hooks = await runStartHooks(ctx, adminRouter, statusRouter);
    stopHooks.push(...hooks.stop);
    if (saved) findSnapshotManager(ctx)?.load(saved.rows);

    const addresses: RunningNode['addresses'] = { proxy: [], admin: [], status: [] };
    const bind = async (kind: 'proxy' | 'admin' | 'status', setting: 'proxy_listen' | 'admin_listen' | 'status_listen', make: (l: Listener) => Server | null) => {
      for (const listener of listenersOf(config, setting)) {
        const server = make(listener);
        if (!server) continue;
        servers.push(server);
        await listenOn(server, listener, setting);
        const addr = server.address();
        const port = addr && typeof addr === 'object' ? addr.port : listener.port;
        addresses[kind].push({ host: listener.host, port, ssl: listener.ssl });
      }
    };
    const adminHandler = guardAdminWrites(createAdminListener(adminRouter, ctx), () => getService<DatabaseHealth>(ctx, 'databaseHealth'));
    const sslIn = (setting: 'admin_listen' | 'status_listen') => listenersOf(config, setting).some((l) => l.ssl);
    const adminCerts = sslIn('admin_listen') ? await listenerCertificates(config, 'admin_ssl_cert', 'admin-silverback-default') : [];
    const statusCerts = sslIn('status_listen') ? await listenerCertificates(config, 'status_ssl_cert', 'status-silverback-default') : [];
    await bind('admin', 'admin_listen', (l) => hooks.makeAdminServer?.(l, adminHandler) ?? (l.ssl ? tlsServer(adminCerts, adminHandler) : createServer(adminHandler)));
    // The status API is read-only: /status plus what modules added (prometheus's /metrics).
    const statusHandler = createAdminListener(statusRouter, ctx);
    await bind('status', 'status_listen', (l) => hooks.makeStatusServer?.(l) ?? (l.ssl ? tlsServer(statusCerts, statusHandler) : createServer(statusHandler)));
    // With workers, the proxy listeners live in them (node:cluster shares the sockets).
    if (!primary) await bind('proxy', 'proxy_listen', (l) => hooks.makeProxyServer?.(l) ?? null);

    if (opts.pidFile) writePidFile(config.prefix);
    log.info({ addresses }, 'Silverback started');

    let stopping: Promise<void> | null = null;
    return {
      ctx,
      addresses,
      stop() {
        stopping ??= (async () => {
          await Promise.all(servers.map(closeServer));
          for (const hook of stopHooks.reverse()) await hook().catch((err) => log.warn({ err: errorMessage(err) }, 'stop hook failed'));
          await datastore?.close().catch(() => undefined);
          if (opts.pidFile) removePidFile(config.prefix);
        })();
        return stopping;
      },
    };
  } catch (err) {
    await Promise.all(servers.map(closeServer));
    for (const hook of stopHooks.reverse()) await hook().catch(() => undefined);
    await datastore?.close().catch(() => undefined);
    throw err;
  }
}
