/** One migration: statements run in order in one transaction; `teardown` runs at `migrations finish`. */
export interface Migration {
  readonly name: string;
  readonly up: readonly string[];
  readonly teardown?: readonly string[];
}

/** The migrations of one subsystem (`core`, or a plugin that owns tables), in order. */
export interface MigrationSet {
  readonly subsystem: string;
  readonly migrations: readonly Migration[];
}
