/**
 * request-transformer (Kong's kong/plugins/request-transformer, priority 801): rewrites the
 * upstream request's path, method, headers, body and querystring in the access phase.
 */
import { KONG_COMPAT_VERSION } from '../../version.js';
import type { Pdk, PluginHandler, Query } from '../types.js';
import type { RequestTransformerConfig } from './schema.js';
import { type CompiledTemplate, type TemplateEnv, compileTemplate, renderTemplate } from './template.js';
import {
  type CompiledSection,
  type Render,
  bodyKind,
  compilePairs,
  decodeForm,
  transformFormBody,
  transformHeaders,
  transformJsonBody,
  transformQuery,
} from './transform.js';

interface Compiled {
  httpMethod?: string;
  uri?: CompiledTemplate;
  remove: CompiledSection;
  rename: CompiledSection;
  replace: CompiledSection;
  add: CompiledSection;
  append: CompiledSection;
  hasQuery: boolean;
  hasBody: boolean;
}

type Action = 'remove' | 'rename' | 'replace' | 'add' | 'append';
const ACTIONS: readonly Action[] = ['remove', 'rename', 'replace', 'add', 'append'];

function part(conf: Compiled, key: keyof CompiledSection) {
  return { remove: conf.remove[key], rename: conf.rename[key], replace: conf.replace[key], add: conf.add[key], append: conf.append[key] };
}

function makeRender(kong: Pdk): Render {
  const env: TemplateEnv = {
    headers: () => kong.request.getHeaders(),
    query_params: () => kong.request.getQuery(),
    uri_captures: () => kong.router.getUriCaptures(),
    shared: () => kong.ctx.shared,
  };
  return (tpl) => (tpl ? renderTemplate(tpl, env) : '');
}

async function access(kong: Pdk, conf: Compiled): Promise<void> {
  const render = makeRender(kong);
  let query: Query | undefined;

  if (conf.uri) kong.service.request.setPath(render(conf.uri));

  if (conf.httpMethod) {
    kong.service.request.setMethod(conf.httpMethod);
    // Kong moves a form body into the querystring when the new method carries no body.
    if (['GET', 'HEAD', 'TRACE'].includes(conf.httpMethod) && bodyKind(kong.request.getHeader('content-type')) === 'form') {
      const params = decodeForm((await kong.request.getRawBody()).toString('utf8'));
      if (Object.keys(params).length > 0) {
        query = { ...kong.request.getQuery() };
        for (const [name, value] of Object.entries(params)) {
          const cur = query[name];
          if (cur === undefined) query[name] = value;
          else query[name] = [...(Array.isArray(cur) ? cur : [cur]), ...(Array.isArray(value) ? value : [value])];
        }
        kong.service.request.setQuery(query);
      }
    }
  }

  const changes = transformHeaders(kong.request.getHeaders(), part(conf, 'headers'), render);
  for (const name of changes.clear) kong.service.request.clearHeader(name);
  for (const [name, value] of changes.set) kong.service.request.setHeader(name, value);

  if (conf.hasBody) {
    const kind = bodyKind(kong.request.getHeader('content-type'));
    if (kind === 'json' || kind === 'form') {
      const body = (await kong.request.getRawBody()).toString('utf8');
      const out = kind === 'json' ? transformJsonBody(body, part(conf, 'body'), render) : transformFormBody(body, part(conf, 'body'), render);
      if (out !== undefined) kong.service.request.setRawBody(out);
    }
    // Divergence: multipart/form-data bodies are passed through unchanged.
  }

  if (conf.hasQuery) kong.service.request.setQuery(transformQuery(query ?? kong.request.getQuery(), part(conf, 'querystring'), render));
}

function configure(conf: RequestTransformerConfig): Compiled {
  const section = (action: Action): CompiledSection => {
    const s = conf[action];
    const withValues = action !== 'remove';
    return { body: compilePairs(s?.body, withValues), headers: compilePairs(s?.headers, withValues), querystring: compilePairs(s?.querystring, withValues) };
  };
  const compiled = Object.fromEntries(ACTIONS.map((a) => [a, section(a)])) as Record<Action, CompiledSection>;
  return {
    ...compiled,
    httpMethod: conf.http_method ? conf.http_method.toUpperCase() : undefined,
    uri: conf.replace?.uri ? compileTemplate(conf.replace.uri) : undefined,
    hasQuery: ACTIONS.some((a) => compiled[a].querystring.length > 0),
    hasBody: ACTIONS.some((a) => compiled[a].body.length > 0),
  };
}

export const requestTransformerHandler: PluginHandler<Compiled> = {
  name: 'request-transformer',
  priority: 801,
  version: KONG_COMPAT_VERSION,
  configure: configure as unknown as PluginHandler<Compiled>['configure'],
  phases: { access },
};
