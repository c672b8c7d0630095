/**
 * Runs plugin phases for one request the way Kong's runloop does:
 * - rewrite: global plugins only (no route is known yet);
 * - access: walks every configured plugin name in priority order (higher first), resolving each
 *   one's config for (route, service, consumer) at that moment, so a consumer authenticated by an
 *   earlier plugin selects consumer-scoped configs after it. Every resolved plugin is "collected"
 *   for the later phases, also after a short-circuit (so log plugins see rejected requests, as in
 *   Kong); access handlers stop running once one of them exits;
 * - response/headerFilter/bodyFilter/log: the collected plugins (or the global ones when the
 *   request ended before access).
 * A throwing plugin never takes the node down: it is logged, and in rewrite/access the request
 * ends with 500 `An unexpected error occurred`.
 */
import { errorMessage } from '../errors.js';
import type { ProxyRequest } from '../proxy/pipeline/request-state.js';
import { ExitSignal } from '../proxy/pipeline/request-state.js';
import { formatFromAccept, MESSAGES, renderError } from '../proxy/pipeline/error-body.js';
import type { PluginIndex, ResolvedPlugin } from '../snapshot/plugin-index.js';
import { createPdk, type PdkNode } from './pdk/index.js';
import type { Pdk, Phase } from './types.js';

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as PromiseLike<unknown>).then === 'function';
}

function protocolAllows(p: ResolvedPlugin, r: ProxyRequest): boolean {
  return p.protocols.size === 0 || p.protocols.has(r.scheme);
}

const logPhases = new WeakMap<PluginIndex, boolean>();

export class PluginRunner {
  constructor(private readonly node: PdkNode) {}

  pdk(r: ProxyRequest): Pdk {
    return (r.kong ??= createPdk(r, this.node));
  }

  /** Whether any configured plugin has a log phase (decided once per snapshot). */
  hasLogPhase(index: PluginIndex): boolean {
    let has = logPhases.get(index);
    if (has === undefined) {
      has = index.slots.some((slot) => slot.handler.phases.log !== undefined);
      logPhases.set(index, has);
    }
    return has;
  }

  /** What a handler's failure means: the exit it asked for, a 500 exit, or nothing (logged). */
  private failure(r: ProxyRequest, p: ResolvedPlugin, phase: Phase, canExit: boolean, err: unknown): ExitSignal | null {
    if (err instanceof ExitSignal) {
      if (canExit) {
        r.exitedBy = p.name;
        return err;
      }
      this.node.log.error({ plugin: p.name, phase, request_id: r.id }, `plugin '${p.name}' called kong.response.exit in the ${phase} phase, where it has no effect`);
      return null;
    }
    this.node.log.error({ plugin: p.name, phase, request_id: r.id, err: errorMessage(err), stack: err instanceof Error ? err.stack : undefined }, `plugin '${p.name}' failed in ${phase}`);
    if (!canExit) return null;
    const format = formatFromAccept(r.header('accept')) ?? 'application/json';
    const body = renderError(format, MESSAGES.unexpected, r.id);
    return new ExitSignal(500, Buffer.from(body.body), undefined, body.contentType);
  }

  /** Runs one handler; returns the exit it asked for, a 500 exit if it threw, or null. */
  private async invoke(r: ProxyRequest, p: ResolvedPlugin, phase: Phase, canExit: boolean): Promise<ExitSignal | null> {
    const fn = p.handler.phases[phase];
    if (!fn) return null;
    r.currentPlugin = p;
    try {
      const out = fn(this.pdk(r), p.conf);
      if (isThenable(out)) await out;
      return null;
    } catch (err) {
      return this.failure(r, p, phase, canExit, err);
    } finally {
      r.currentPlugin = null;
    }
  }

  /** Global plugins' rewrite phase; null (no promise) when no global plugin has one. */
  rewrite(r: ProxyRequest): Promise<ExitSignal | null> | null {
    const list = r.snapshot.plugins.globals('rewrite');
    return list.length === 0 ? null : this.runRewrite(r, list);
  }

  private async runRewrite(r: ProxyRequest, list: readonly ResolvedPlugin[]): Promise<ExitSignal | null> {
    for (const p of list) {
      if (!protocolAllows(p, r)) continue;
      const exit = await this.invoke(r, p, 'rewrite', true);
      if (exit) return exit;
    }
    return null;
  }

  /** The collecting access phase (see the file comment). Handlers are awaited only when they return a promise. */
  async access(r: ProxyRequest): Promise<ExitSignal | null> {
    const index = r.snapshot.plugins;
    const routeId = r.route?.id as string | undefined;
    const serviceId = r.service?.id as string | undefined;
    const collected: ResolvedPlugin[] = [];
    r.collected = collected;
    let exit: ExitSignal | null = null;
    for (const slot of index.slotsFor(routeId, serviceId)) {
      const p = index.resolve(slot, routeId, serviceId, r.consumer?.id as string | undefined);
      if (!p || !protocolAllows(p, r)) continue;
      collected.push(p);
      if (exit) continue;
      const fn = p.handler.phases.access;
      if (!fn) continue;
      r.currentPlugin = p;
      try {
        const out = fn(this.pdk(r), p.conf);
        if (isThenable(out)) await out;
      } catch (err) {
        exit = this.failure(r, p, 'access', true, err);
      } finally {
        r.currentPlugin = null;
      }
    }
    return exit;
  }

  private later(r: ProxyRequest, phase: Phase): readonly ResolvedPlugin[] {
    if (r.collected) return r.collected;
    return r.snapshot.plugins.globals(phase).filter((p) => protocolAllows(p, r));
  }

  /** True when a plugin of this request needs the whole upstream body (response or bodyFilter phase). */
  needsBufferedResponse(r: ProxyRequest): boolean {
    const list = r.collected ?? r.snapshot.plugins.globals('bodyFilter');
    for (const p of list) if (p.handler.phases.response || p.handler.phases.bodyFilter) return true;
    return r.collected === null && r.snapshot.plugins.globals('response').length > 0;
  }

  /**
   * A later phase without promises while every handler returns synchronously (most header
   * filters do): null when it ran to the end, else a promise for the rest of the chain.
   */
  runLaterSync(r: ProxyRequest, phase: 'headerFilter'): Promise<void> | null {
    const list = this.later(r, phase);
    for (let i = 0; i < list.length; i++) {
      const p = list[i];
      const fn = p.handler.phases[phase];
      if (!fn) continue;
      r.currentPlugin = p;
      let out: unknown;
      try {
        out = fn(this.pdk(r), p.conf);
      } catch (err) {
        this.failure(r, p, phase, false, err);
      } finally {
        r.currentPlugin = null;
      }
      if (isThenable(out)) return this.finishLater(r, p, phase, out, list, i + 1);
    }
    return null;
  }

  private async finishLater(r: ProxyRequest, p: ResolvedPlugin, phase: Phase, pending: PromiseLike<unknown>, list: readonly ResolvedPlugin[], from: number): Promise<void> {
    // As in invoke: the plugin stays current until its promise settles (kong.ctx.plugin after an await).
    r.currentPlugin = p;
    try {
      await pending;
    } catch (err) {
      this.failure(r, p, phase, false, err);
    } finally {
      r.currentPlugin = null;
    }
    for (let i = from; i < list.length; i++) if (list[i].handler.phases[phase]) await this.invoke(r, list[i], phase, false);
  }

  async runLater(r: ProxyRequest, phase: 'response' | 'headerFilter' | 'bodyFilter'): Promise<void> {
    for (const p of this.later(r, phase)) {
      if (p.handler.phases[phase]) await this.invoke(r, p, phase, false);
    }
  }

  /** The log phase, after the response went out; never delays or fails the request. */
  log(r: ProxyRequest): void {
    const list = this.later(r, 'log');
    if (!list.some((p) => p.handler.phases.log !== undefined)) return;
    void (async () => {
      for (const p of list) if (p.handler.phases.log) await this.invoke(r, p, 'log', false);
    })();
  }

  hasLater(r: ProxyRequest, phase: Phase): boolean {
    return this.later(r, phase).some((p) => p.handler.phases[phase] !== undefined);
  }
}
