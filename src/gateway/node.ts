import { createServer } from 'node:http';
import type { Server } from 'node:net';
import { hostname } from 'node:os';
import type { Config, Listener } from '../config/index.js';
import { parseListeners } from '../config/index.js';
import { registerInfoRoutes } from '../admin/info.js';
import { AdminRouter } from '../admin/router.js';
import { createAdminListener } from '../admin/server.js';
import { openDatastore } from '../datastore/index.js';
import type { Datastore } from '../datastore/index.js';
import { assertStartable, bootstrap, schemaState, up } from '../datastore/migrations/index.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../log.js';
import { nodeId, preparePrefix, removePidFile, writePidFile } from '../prefix.js';
import { VERSION } from '../version.js';
import type { GatewayContext } from './context.js';
import { closeServer, listenOn } from './listen.js';
import { runStartHooks } from './hooks.js';

export interface StartOptions {
  runMigrations?: boolean;
  /** Write the pid file (a foreground or detached node); tests leave it off. */
  pidFile?: boolean;
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

/** Starts one node in this process: datastore, schema, Admin API, status and proxy listeners. */
export async function startNode(config: Config, log: Logger, opts: StartOptions = {}): Promise<RunningNode> {
  preparePrefix(config.prefix);
  const datastore = config.database === 'off' ? null : await openDatastore(config, { warn: (msg) => log.warn(msg) });
  const servers: Server[] = [];
  const stopHooks: (() => Promise<void>)[] = [];
  try {
    if (datastore) await prepareSchema(datastore, config, log, opts);
    const ctx: GatewayContext = {
      config,
      log,
      nodeId: nodeId(config),
      version: VERSION,
      hostname: hostname(),
      startedAt: Date.now(),
      datastore,
      services: new Map(),
    };

    const adminRouter = new AdminRouter();
    registerInfoRoutes(adminRouter);
    const hooks = await runStartHooks(ctx, adminRouter);
    stopHooks.push(...hooks.stop);

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
    const adminHandler = createAdminListener(adminRouter, ctx);
    await bind('admin', 'admin_listen', (l) => hooks.makeAdminServer?.(l, adminHandler) ?? (l.ssl ? null : createServer(adminHandler)));
    await bind('status', 'status_listen', (l) => hooks.makeStatusServer?.(l) ?? (l.ssl ? null : createServer(adminHandler)));
    await bind('proxy', 'proxy_listen', (l) => hooks.makeProxyServer?.(l) ?? null);

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
