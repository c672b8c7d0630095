/**
 * Candidates by path: prefix routes are kept in a map keyed by the prefix itself, so a request
 * needs one lookup per distinct prefix length instead of a test per route. Regex routes and
 * routes without paths are kept aside and always offered.
 */
import type { CompiledRoute } from './compile-route.js';

export class PathIndex {
  private readonly byPrefix = new Map<string, CompiledRoute[]>();
  private readonly lengthSet = new Set<number>();
  private lengths: number[] = [];
  private readonly others: CompiledRoute[] = [];

  add(route: CompiledRoute): void {
    if (!route.prefixes) {
      this.others.push(route);
      return;
    }
    for (const prefix of new Set(route.prefixes)) {
      const bucket = this.byPrefix.get(prefix);
      if (bucket) bucket.push(route);
      else this.byPrefix.set(prefix, [route]);
      this.lengthSet.add(prefix.length);
    }
  }

  /** Call once after the last add. */
  seal(): void {
    this.lengths = [...this.lengthSet].sort((a, b) => a - b);
  }

  collect(path: string, out: CompiledRoute[]): void {
    for (const length of this.lengths) {
      if (length > path.length) break;
      const bucket = this.byPrefix.get(path.slice(0, length));
      if (bucket) for (const route of bucket) out.push(route);
    }
    for (const route of this.others) out.push(route);
  }
}
