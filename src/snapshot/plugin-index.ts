import type { PluginHandler, Phase, Row } from '../plugins/types.js';

/** One configured plugin instance, ready to run: handler, config (after `configure`), scope flags. */
export interface ResolvedPlugin {
  readonly name: string;
  readonly handler: PluginHandler;
  readonly conf: unknown;
  readonly entity: Row;
  /** Empty set = any protocol. */
  readonly protocols: ReadonlySet<string>;
}

/** A plugin name in execution order with the schema flags that limit which scopes it may use. */
export interface PluginSlot {
  readonly name: string;
  readonly handler: PluginHandler;
  readonly noRoute: boolean;
  readonly noService: boolean;
  readonly noConsumer: boolean;
}

const NONE = '';

function comboKey(route: string, service: string, consumer: string): string {
  return `${route}|${service}|${consumer}`;
}

function idOf(ref: unknown): string {
  return ref && typeof ref === 'object' && typeof (ref as { id?: unknown }).id === 'string' ? (ref as { id: string }).id : NONE;
}

/**
 * Kong's plugins iterator, compiled once per snapshot: every enabled plugin instance indexed
 * by (route, service, consumer), and the lookup order of kong/runloop/plugins_iterator.lua
 * (route+service+consumer, route+consumer, service+consumer, route+service, consumer, route,
 * service, global). The lookup runs per plugin while the access phase walks the chain, so a
 * consumer authenticated by an earlier (higher priority) plugin selects consumer-scoped configs
 * for the plugins after it, as in Kong.
 */
export class PluginIndex {
  /** Plugin names configured anywhere, in execution order (priority desc, then name). */
  readonly slots: readonly PluginSlot[];
  /** Global instances having the phase, for phases that run before/without a route (certificate, rewrite, and fallbacks). */
  private readonly globalsByPhase = new Map<Phase, ResolvedPlugin[]>();
  private readonly combos = new Map<string, Map<string, ResolvedPlugin>>();
  private readonly slotsForRequest = new Map<string, readonly PluginSlot[]>();

  constructor(instances: readonly ResolvedPlugin[], flags: (name: string) => { noRoute: boolean; noService: boolean; noConsumer: boolean }) {
    const slots = new Map<string, PluginSlot>();
    for (const inst of instances) {
      let combos = this.combos.get(inst.name);
      if (!combos) {
        combos = new Map();
        this.combos.set(inst.name, combos);
        slots.set(inst.name, { name: inst.name, handler: inst.handler, ...flags(inst.name) });
      }
      combos.set(comboKey(idOf(inst.entity.route), idOf(inst.entity.service), idOf(inst.entity.consumer)), inst);
    }
    this.slots = [...slots.values()].sort((a, b) => b.handler.priority - a.handler.priority || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const slot of this.slots) {
      const global = this.combos.get(slot.name)!.get(comboKey(NONE, NONE, NONE));
      if (!global) continue;
      for (const phase of Object.keys(slot.handler.phases) as Phase[]) {
        let list = this.globalsByPhase.get(phase);
        if (!list) this.globalsByPhase.set(phase, (list = []));
        list.push(global);
      }
    }
  }

  get isEmpty(): boolean {
    return this.slots.length === 0;
  }

  /** Global instances implementing `phase`, in execution order. */
  globals(phase: Phase): readonly ResolvedPlugin[] {
    return this.globalsByPhase.get(phase) ?? [];
  }

  /**
   * The slots worth walking for a (route, service): names that have an instance this request could
   * select with some consumer. Computed once per pair and kept for the snapshot's life.
   */
  slotsFor(routeId: string | undefined, serviceId: string | undefined): readonly PluginSlot[] {
    const key = `${routeId ?? NONE}|${serviceId ?? NONE}`;
    let slots = this.slotsForRequest.get(key);
    if (!slots) {
      slots = this.slots.filter((slot) => {
        for (const k of this.combos.get(slot.name)!.keys()) {
          const [r, s] = k.split('|');
          if ((r === NONE || r === routeId) && (s === NONE || s === serviceId)) return true;
        }
        return false;
      });
      this.slotsForRequest.set(key, slots);
    }
    return slots;
  }

  /** Kong's lookup_cfg for one plugin name. */
  resolve(slot: PluginSlot, routeId: string | undefined, serviceId: string | undefined, consumerId: string | undefined): ResolvedPlugin | undefined {
    const combos = this.combos.get(slot.name);
    if (!combos) return undefined;
    const r = !slot.noRoute && routeId ? routeId : NONE;
    const s = !slot.noService && serviceId ? serviceId : NONE;
    const c = !slot.noConsumer && consumerId ? consumerId : NONE;
    let hit: ResolvedPlugin | undefined;
    if (c) {
      if (r && s && (hit = combos.get(comboKey(r, s, c)))) return hit;
      if (r && (hit = combos.get(comboKey(r, NONE, c)))) return hit;
      if (s && (hit = combos.get(comboKey(NONE, s, c)))) return hit;
    }
    if (r && s && (hit = combos.get(comboKey(r, s, NONE)))) return hit;
    if (c && (hit = combos.get(comboKey(NONE, NONE, c)))) return hit;
    if (r && (hit = combos.get(comboKey(r, NONE, NONE)))) return hit;
    if (s && (hit = combos.get(comboKey(NONE, s, NONE)))) return hit;
    return combos.get(comboKey(NONE, NONE, NONE));
  }
}
