/**
 * Change events of committed writes, consumed by the snapshot builder (and anything else that
 * caches entities). One event per changed row, cascaded deletes included, emitted after commit.
 */
export type EntityOp = 'create' | 'update' | 'delete';

export interface EntityChange {
  /** Entity name (`services`, `keyauth_credentials`). */
  readonly entity: string;
  readonly op: EntityOp;
  readonly id: string;
  /** The row as stored after the write (create, update). */
  readonly row?: Readonly<Record<string, unknown>>;
  /** The row before the write (update of an existing row, delete). */
  readonly old?: Readonly<Record<string, unknown>>;
}

export type EntityChangeListener = (change: EntityChange) => void;

export class EntityEvents {
  private readonly listeners = new Set<EntityChangeListener>();

  /** `onListenerError` receives what a listener throws; a failing listener never fails a write. */
  constructor(private readonly onListenerError: (err: unknown, change: EntityChange) => void = () => undefined) {}

  /** Returns the unsubscribe function. */
  subscribe(listener: EntityChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(change: EntityChange): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(change);
      } catch (err) {
        this.onListenerError(err, change);
      }
    }
  }
}
