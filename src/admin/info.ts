import { redactConfig } from '../config/index.js';
import type { GatewayContext } from '../gateway/context.js';
import { getService } from '../gateway/context.js';
import { KONG_COMPAT_VERSION, VERSION } from '../version.js';
import { servingProcesses, sumCounters } from '../cluster/worker-status.js';
import type { AdminHandler, AdminRouter } from './router.js';

/** What the plugin registry exposes to `GET /` (filled once plugins exist). */
export interface AvailablePlugins {
  available(): string[];
  enabledInCluster(): Promise<string[]>;
}

/** Counters the proxy keeps for `/status`. */
export interface ServerCounters {
  connectionsActive: number;
  connectionsAccepted: number;
  connectionsHandled: number;
  totalRequests: number;
}

/** What the cluster module tracks about the database (reconnects with backoff when it is down). */
interface DatabaseHealthView {
  readonly reachable: boolean;
}

async function databaseReachable(ctx: GatewayContext): Promise<boolean> {
  if (!ctx.datastore) return true;
  const health = getService<DatabaseHealthView>(ctx, 'databaseHealth');
  if (health) return health.reachable;
  try {
    await ctx.datastore.query('SELECT 1');
    return true;
  } catch {
    return false;
  }
}

const statusHandler: AdminHandler = async (_req, ctx) => {
  // With proxy workers the counters live in them: nginx's stub_status counts the whole node.
  const processes = await servingProcesses(ctx);
  const counters = sumCounters(processes);
  const reachable = await databaseReachable(ctx);
  const snapshotHash = getService<() => string | null>(ctx, 'configurationHash')?.() ?? null;
  return {
    status: 200,
    body: {
      server: {
        connections_active: counters.connectionsActive,
        connections_accepted: counters.connectionsAccepted,
        connections_handled: counters.connectionsHandled,
        connections_reading: 0,
        connections_writing: counters.connectionsActive,
        connections_waiting: 0,
        total_requests: counters.totalRequests,
      },
      // Kong leaves `database` out in DB-less mode.
      ...(ctx.datastore ? { database: { reachable } } : {}),
      memory: {
        workers_lua_vms: processes.map((p) => ({ http_allocated_gc: `${(p.heapUsed / 1048576).toFixed(2)} MiB`, pid: p.pid })),
        lua_shared_dicts: {},
      },
      ...(snapshotHash ? { configuration_hash: snapshotHash } : {}),
    },
  };
};

/** `GET /` and `GET /status`, as Kong shapes them. */
export function registerInfoRoutes(router: AdminRouter): void {
  router.on('GET', '/', async (_req, ctx) => {
    const plugins = getService<AvailablePlugins>(ctx, 'plugins');
    const available = plugins?.available() ?? [];
    const enabled = plugins ? await plugins.enabledInCluster().catch(() => []) : [];
    return {
      status: 200,
      body: {
        version: KONG_COMPAT_VERSION,
        silverback_version: VERSION,
        edition: 'community',
        tagline: 'Welcome to kong',
        hostname: ctx.hostname,
        node_id: ctx.nodeId,
        lua_version: `Node.js ${process.version}`,
        pids: { master: process.pid, workers: getService<{ pids(): number[] }>(ctx, 'workerPool')?.pids() ?? [process.pid] },
        plugins: {
          available_on_server: Object.fromEntries(available.map((name) => [name, { version: VERSION, priority: 0 }])),
          enabled_in_cluster: enabled,
        },
        configuration: redactConfig(ctx.config),
        timers: { running: 0, pending: 0 },
      },
    };
  });

  router.on('GET', '/status', statusHandler);
}

/** The status listener's own routes (Kong's status API has `/status` but not `GET /`). */
export function registerStatusRoutes(router: AdminRouter): void {
  router.on('GET', '/status', statusHandler);
}
