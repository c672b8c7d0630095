/**
 * Candidate lookup for a request: routes whose hosts are all plain names are found through a
 * map keyed by host name, everything else (wildcard hosts, no hosts) through one shared path
 * index. Only candidates are tested field by field.
 */
import type { CompiledRoute } from './compile-route.js';
import { PathIndex } from './path-index.js';

export class RouteIndex {
  private readonly byHost = new Map<string, PathIndex>();
  private readonly anyHost = new PathIndex();

  constructor(routes: readonly CompiledRoute[]) {
    for (const route of routes) {
      const hosts = route.hosts;
      if (hosts && hosts.every((h) => h.kind === 'exact')) {
        for (const name of new Set(hosts.map((h) => h.value))) {
          let index = this.byHost.get(name);
          if (!index) {
            index = new PathIndex();
            this.byHost.set(name, index);
          }
          index.add(route);
        }
      } else {
        this.anyHost.add(route);
      }
    }
    for (const index of this.byHost.values()) index.seal();
    this.anyHost.seal();
  }

  /** Candidates in evaluation order (best first). */
  candidates(hostName: string, path: string): CompiledRoute[] {
    const out: CompiledRoute[] = [];
    this.byHost.get(hostName)?.collect(path, out);
    this.anyHost.collect(path, out);
    if (out.length > 1) out.sort((a, b) => a.rank - b.rank);
    return out;
  }
}
