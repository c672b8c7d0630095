/**
 * What the rest of Silverback sees of a datastore. PostgreSQL and the embedded PGlite store
 * both speak the same SQL with `$1` placeholders, so one interface and one migration set serve both.
 */
export interface QueryResult<R> {
  rows: R[];
  rowCount: number;
}

export interface Queryable {
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
}

export type DatastoreKind = 'postgres' | 'embedded';

export interface Datastore extends Queryable {
  readonly kind: DatastoreKind;
  /** Where reads that tolerate replica lag go (the `pg_ro_*` replica when configured, else the primary). */
  readonly reader: Queryable;
  /** Runs `fn` in one transaction on the primary; commits when it resolves, rolls back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** `SHOW server_version_num`, the first thing Kong asks a server. */
  serverVersionNum(): Promise<number>;
  /**
   * Runs `fn` while holding a cluster-wide lock (PostgreSQL advisory lock); resolves to
   * `{ acquired: false }` without running `fn` when another node holds it.
   */
  withExclusiveLock<T>(name: string, fn: () => Promise<T>): Promise<{ acquired: true; value: T } | { acquired: false }>;
  close(): Promise<void>;
}
