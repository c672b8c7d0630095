/** The declarative module's public face: kong.yml ⇄ entity rows, DB-less state and its seams. */
export { parseDeclarative, inputHash, FORMAT_VERSIONS, type DeclarativeConfig, type DeclarativeMeta, type DeclarativeRows, type ParseOptions, type Row } from './parse.js';
export { parseDocumentText, type Document } from './document.js';
export { migrateDocument, migratePath } from './migrate.js';
export { declarativeId } from './ids.js';
export { nestedRelations, type NestedRelation } from './relations.js';
export { declarativeProblems, errorLines, flattenErrors, buildErrorTree, luaDump, type ItemProblem, type FlattenedEntityErrors } from './errors.js';
export { rowsToDocument, rowsToYaml, documentToYaml } from './export.js';
export { importRows, exportDatabase, type ImportSummary } from './db.js';
export { snapshotEntityReader } from './snapshot-reader.js';
export { createDeclarativeState, initialDeclarative, type DeclarativeState } from './dbless.js';
export { saveDeclarative, readSavedDeclarative, declarativeStateFile } from './persist.js';
export { INIT_TEMPLATE } from './init-template.js';
