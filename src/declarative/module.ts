/**
 * What the composition root imports for declarative configuration: the start hook
 * (DB-less loading, `/config`) and the `silverback config` commands.
 */
import './start.js';
import '../cli/config.js';
