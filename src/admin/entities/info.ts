/** `/tags`, `/schemas/*`, `/plugins/enabled`, `/plugins/schema/{name}`. */
import type { AvailablePlugins } from '../info.js';
import { getService } from '../../gateway/context.js';
import {
  listPluginSchemas, lookupEntity, pluginConfigSchemaToKongJson, pluginSchemaToKongJson, schemaToKongJson,
  validateEntity, validateField, typedefs,
} from '../../schema/index.js';
import { kongErrors } from '../../dao/index.js';
import { entityArgs, readRequestBody } from '../body.js';
import type { AdminRequest, AdminRouter } from '../router.js';
import { escapeUri, pageBody, pageRequest } from './query.js';
import { daoOf, guarded } from './respond.js';
import { assertPluginEnabled } from './plugin-availability.js';

export function registerInfoEndpoints(router: AdminRouter): void {
  router.on('GET', '/tags', guarded(async (req, ctx) => {
    const { options, carry } = pageRequest(req.query, { tags: false });
    const page = await daoOf(ctx).pageTags({ size: options.size, offset: options.offset });
    return { status: 200, body: pageBody(page.data, page.offset, '/tags', carry) };
  }));
  router.on('GET', '/tags/:tag', guarded(async (req, ctx) => {
    const tag = req.params.tag;
    const err = validateField(typedefs.tag(), tag);
    if (err !== undefined) throw kongErrors.invalidOptions({ tag: typeof err === 'string' ? err : 'invalid value' });
    const { options, carry } = pageRequest(req.query, { tags: false });
    const page = await daoOf(ctx).pageTags({ size: options.size, offset: options.offset, tag });
    return { status: 200, body: pageBody(page.data, page.offset, `/tags/${escapeUri(tag)}`, carry) };
  }));

  router.on('GET', '/schemas/:name', guarded(async (req) => {
    const entity = lookupEntity(req.params.name);
    if (!entity) return { status: 404, body: { message: `No entity named '${req.params.name}'` } };
    return { status: 200, body: schemaToKongJson(entity) };
  }));
  const validate = (nameOf: (req: AdminRequest) => string) => guarded(async (req, ctx) => {
    const name = nameOf(req);
    const entity = lookupEntity(name);
    if (!entity) return { status: 404, body: { message: `No entity named '${name}'` } };
    const body = await readRequestBody(req);
    const args = entityArgs(entity, body);
    assertPluginEnabled(ctx, entity, args);
    validateEntity(entity, args, { operation: 'insert' });
    return { status: 200, body: { message: 'schema validation successful' } };
  });
  router.on('POST', '/schemas/:name/validate', validate((req) => req.params.name));
  // A plugin entity (its `name` picks the config schema), as Kong's /schemas/plugins/validate.
  router.on('POST', '/schemas/plugins/validate', validate(() => 'plugins'));
  router.on('GET', '/schemas/plugins/:name', guarded(async (req) => {
    const schema = pluginSchemaToKongJson(req.params.name);
    return schema ? { status: 200, body: schema } : { status: 404, body: { message: `No plugin named '${req.params.name}'` } };
  }));
  router.on('GET', '/plugins/schema/:name', guarded(async (req) => {
    const schema = pluginConfigSchemaToKongJson(req.params.name);
    return schema ? { status: 200, body: schema } : { status: 404, body: { message: `No plugin named '${req.params.name}'` } };
  }));
  router.on('GET', '/plugins/enabled', guarded(async (_req, ctx) => {
    const available = getService<AvailablePlugins>(ctx, 'plugins')?.available() ?? listPluginSchemas().map((p) => p.name);
    return { status: 200, body: { enabled_plugins: [...available].sort() } };
  }));
}
