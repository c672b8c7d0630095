/**
 * The composition root: importing this registers every module's start hook and preflight
 * check, so the node and the CLI know no module by name. Add one import per module.
 */
import '../datastore/preflight.js';
import '../cluster/index.js';
import '../doctor/register.js';
import '../admin/entity-hook.js';
import '../proxy/start.js';
import '../declarative/module.js';
import '../plugins/bundled-auth.js';
import '../plugins/bundled-extra.js';
