/**
 * Entry of a proxy worker process (forked by WorkerPool through node:cluster). It never opens
 * the datastore: the primary ships each snapshot's rows and hash, the worker compiles them
 * (router, balancers, plugin chains) with the snapshot module and serves the proxy listeners,
 * which node:cluster shares with the other workers.
 */
import cluster from 'node:cluster';
import { useNodeWideLocalPolicy } from '../plugins/rate-limiting/policies/local.js';
import type { Server } from 'node:net';
import { hostname } from 'node:os';
import { AdminRouter } from '../admin/router.js';
import { parseListeners, type Config } from '../config/index.js';
import { errorMessage } from '../errors.js';
import { createContext } from '../gateway/context.js';
import { runStartHooks } from '../gateway/hooks.js';
import { listenOn } from '../gateway/listen.js';
import { createLogger, type Logger } from '../log.js';
import { nodeId } from '../prefix.js';
import { VERSION } from '../version.js';
import { drainServer } from './drain.js';
import { isMessage, type IpcEndpoint, type PrimaryToWorker, type ShippedSnapshot, type WorkerToPrimary } from './ipc-messages.js';
import { SharedCounterClient } from './shared-counters.js';
import { findSnapshotManager } from './snapshot-lookup.js';
import { answerWorkerQueries } from './worker-queries.js';
import '../gateway/modules.js';

/** Services a worker offers the other modules' start hooks (see docs/clustering.md). */
export const WORKER_ROLE = 'worker';

function send(msg: WorkerToPrimary): void {
  process.send?.(msg);
}

async function runWorker(config: Config, initial: ShippedSnapshot | null): Promise<void> {
  const log: Logger = createLogger({ level: config.log_level as string, prefix: config.prefix, name: 'silverback-worker' });
  const counters = new SharedCounterClient(process as unknown as IpcEndpoint);
  useNodeWideLocalPolicy(counters);
  const ctx = createContext(
    config,
    log,
    null,
    [
      ['clusterRole', WORKER_ROLE],
      ['localCounterPolicy', counters],
    ],
    { nodeId: nodeId(config), version: VERSION, hostname: hostname() },
  );
  // The worker's routers are never served: the primary runs the Admin API and status listener.
  const hooks = await runStartHooks(ctx, new AdminRouter(), new AdminRouter());
  answerWorkerQueries(process as unknown as IpcEndpoint, ctx);
  const manager = findSnapshotManager(ctx);
  let version: string | null = null;
  const apply = (snapshot: ShippedSnapshot) => {
    if (!manager) throw new Error('no snapshot manager is registered in this worker; the snapshot module must register one under the "snapshot" service');
    version = manager.load(snapshot.rows).version;
    if (version !== snapshot.version) log.warn({ shipped: snapshot.version, built: version }, 'snapshot hash differs from the one the primary computed');
  };
  if (initial) apply(initial);

  const servers: Server[] = [];
  for (const listener of parseListeners('proxy_listen', config.proxy_listen).listeners) {
    const server = hooks.makeProxyServer?.(listener) ?? null;
    if (!server) continue;
    // Not exclusive: node:cluster hands every worker the primary's listening socket.
    await listenOn(server, { ...listener, reuseport: true }, 'proxy_listen');
    servers.push(server);
  }

  let draining = false;
  process.on('message', (m: unknown) => {
    if (!isMessage<PrimaryToWorker>(m)) return;
    if (m.type === 'sb:snapshot') {
      try {
        apply(m.snapshot);
        send({ type: 'sb:applied', version: m.snapshot.version });
      } catch (err) {
        log.error({ err: errorMessage(err) }, 'could not apply the shipped snapshot; keeping the previous one');
      }
    } else if (m.type === 'sb:drain' && !draining) {
      draining = true;
      void (async () => {
        await Promise.all(servers.map((s) => drainServer(s, m.timeoutMs)));
        for (const stop of hooks.stop.reverse()) await stop().catch(() => undefined);
        counters.close();
        log.flush?.();
        process.exit(0);
      })();
    }
  });
  // Ctrl-C reaches the whole process group; the primary drains its workers itself.
  process.on('SIGINT', () => undefined);
  // The primary's death leaves this worker orphaned: stop instead of serving stale config forever.
  process.on('disconnect', () => process.exit(0));
  send({ type: 'sb:ready', version });
}

if (cluster.isWorker) {
  process.on('message', function onInit(m: unknown) {
    if (!isMessage<PrimaryToWorker>(m) || m.type !== 'sb:init') return;
    process.off('message', onInit);
    runWorker(m.config, m.snapshot).catch((err) => {
      send({ type: 'sb:failed', error: errorMessage(err) });
      process.stderr.write(`Error: proxy worker failed to start: ${errorMessage(err)}\n`);
      setTimeout(() => process.exit(1), 50);
    });
  });
  send({ type: 'sb:hello' });
}
