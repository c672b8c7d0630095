/**
 * Candidate lookup for a request. Every host entry puts its route in a bucket keyed by the
 * exact name, the wildcard suffix (`*.example.com` → `.example.com`) or the wildcard prefix
 * (`example.*` → `example.`); a request looks up its own name and each of its label-aligned
 * suffixes and prefixes. Routes without hosts share one bucket. Inside each bucket a PathIndex
 * narrows by path. Only the candidates are then tested field by field.
 */
import type { CompiledRoute } from './compile-route.js';
import { PathIndex } from './path-index.js';

/** Keys per compiled host list, which successive routers share for an unchanged route. */
const keysByHosts = new WeakMap<readonly unknown[], string[] | null>();

function bucketKeys(route: CompiledRoute): string[] | null {
  if (!route.hosts) return null;
  let keys = keysByHosts.get(route.hosts);
  if (keys === undefined) {
    keys = hostKeys(route.hosts);
    keysByHosts.set(route.hosts, keys);
  }
  return keys;
}

function hostKeys(hosts: NonNullable<CompiledRoute['hosts']>): string[] | null {
  const keys = new Set<string>();
  for (const pattern of hosts) {
    if (pattern.kind === 'exact') keys.add(`=${pattern.value}`);
    else if (pattern.kind === 'suffix' && pattern.value.startsWith('.')) keys.add(`*${pattern.value}`);
    else if (pattern.kind === 'prefix' && pattern.value.endsWith('.')) keys.add(`${pattern.value}*`);
    // A wildcard not on a label boundary (the schema forbids it) cannot be keyed: scan it always.
    else return null;
  }
  return [...keys];
}

export class RouteIndex {
  private readonly byHost = new Map<string, PathIndex>();
  private readonly anyHost = new PathIndex();

  constructor(routes: readonly CompiledRoute[]) {
    for (const route of routes) {
      const keys = bucketKeys(route);
      if (!keys) {
        this.anyHost.add(route);
        continue;
      }
      for (const key of keys) {
        let index = this.byHost.get(key);
        if (!index) {
          index = new PathIndex();
          this.byHost.set(key, index);
        }
        index.add(route);
      }
    }
    for (const index of this.byHost.values()) index.seal();
    this.anyHost.seal();
  }

  /** Candidates in evaluation order (best first), each once. */
  candidates(hostName: string, path: string): CompiledRoute[] {
    const out: CompiledRoute[] = [];
    this.byHost.get(`=${hostName}`)?.collect(path, out);
    for (let dot = hostName.indexOf('.'); dot !== -1; dot = hostName.indexOf('.', dot + 1)) {
      this.byHost.get(`*${hostName.slice(dot)}`)?.collect(path, out);
      this.byHost.get(`${hostName.slice(0, dot + 1)}*`)?.collect(path, out);
    }
    this.anyHost.collect(path, out);
    if (out.length < 2) return out;
    out.sort((a, b) => a.rank - b.rank);
    // A route with several host entries can sit in more than one of the buckets looked up.
    let kept = 1;
    for (let i = 1; i < out.length; i++) if (out[i] !== out[kept - 1]) out[kept++] = out[i];
    out.length = kept;
    return out;
  }
}
