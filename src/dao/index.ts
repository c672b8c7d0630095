/** The DAO's public face: generic CRUD over registered entities, its events and read seam. */
export { Dao, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type DaoOptions, type Page, type PageOptions } from './dao.js';
export { EntityEvents, type EntityChange, type EntityChangeListener, type EntityOp } from './events.js';
export { SqlEntityReader, emptyReader, lazyReader, type EntityReader, type TagQuery } from './reader.js';
export { keyFromPath, keyObject } from './keys.js';
export { kongErrors, errorNameOverride, luaInline } from './kong-errors.js';
export { entityTablesDdl, tableStatements, dependencyOrder } from './ddl.js';
export { entityColumnsMigration, entityTablesMigration, entityTablesMigrationSet } from './table-migrations.js';
export { columnsOf, type Column } from './columns.js';
export type { EntityKey, IdKey, FieldKey, ForeignFilter, Json, RowQuery, TagRow } from './sql.js';
