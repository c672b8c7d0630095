import { registerPreflightCheck } from '../gateway/preflight.js';
import { checkPostgresLinkFiles } from './postgres/index.js';

// `check` and `start` read every certificate, key, CA and CRL file before any connection.
registerPreflightCheck((config) => checkPostgresLinkFiles(config));
