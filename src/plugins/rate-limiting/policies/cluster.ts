import type { Queryable } from '../../../datastore/types.js';
import type { Period } from '../periods.js';
import { isOver, type CounterPolicy, type CountScope, type CounterSpec } from './policy.js';

/**
 * Counters in the `ratelimiting_metrics` table. One INSERT … ON CONFLICT DO UPDATE … RETURNING
 * bumps every period's row and reads the new values in the same statement: PostgreSQL's row
 * lock makes concurrent increments of one row serial, so the values returned are exact.
 * The increment touches rows in period order, but the take-back UPDATE follows the scan order,
 * so PostgreSQL may still report a deadlock between them; it aborts one statement with no
 * effect, which is then simply retried.
 */
async function retryingDeadlocks<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      if ((err as { code?: string }).code !== '40P01' || attempt >= 5) throw err;
    }
  }
}

export function clusterPolicy(db: Queryable): CounterPolicy {
  return {
    async increment(scope: CountScope, counters: readonly CounterSpec[]) {
      const params: unknown[] = [scope.identifier, scope.serviceId, scope.routeId];
      const rows = counters.map((c) => {
        params.push(c.period, Math.floor(c.windowStart / 1000), c.ttl);
        const n = params.length;
        return `($1, $${n - 2}, to_timestamp($${n - 1}), $2::uuid, $3::uuid, 1, now() + make_interval(secs => $${n}))`;
      });
      const result = await retryingDeadlocks(() => db.query<{ period: Period; value: number }>(
        `INSERT INTO ratelimiting_metrics (identifier, period, period_date, service_id, route_id, value, ttl)
         VALUES ${rows.join(', ')}
         ON CONFLICT (identifier, period, period_date, service_id, route_id)
         DO UPDATE SET value = ratelimiting_metrics.value + 1
         RETURNING period, value`,
        params,
      ));
      const counts = new Map<Period, number>(result.rows.map((r) => [r.period, Number(r.value)]));
      if (isOver(counts, counters)) {
        const keys = counters.map((c, i) => `($${i * 2 + 4}, to_timestamp($${i * 2 + 5}))`);
        const takeBack: unknown[] = [scope.identifier, scope.serviceId, scope.routeId];
        for (const c of counters) takeBack.push(c.period, Math.floor(c.windowStart / 1000));
        await retryingDeadlocks(() => db.query(
          `UPDATE ratelimiting_metrics SET value = value - 1
           WHERE identifier = $1 AND service_id = $2::uuid AND route_id = $3::uuid
             AND (period, period_date) IN (${keys.join(', ')})`,
          takeBack,
        ));
      }
      return counts;
    },
  };
}

/** Kong's ttl cleanup for this table: rows of windows long gone. */
export async function deleteExpiredMetrics(db: Queryable): Promise<void> {
  await db.query('DELETE FROM ratelimiting_metrics WHERE ttl < now()');
}
