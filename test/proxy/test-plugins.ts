/**
 * Tiny plugins that exist only to prove the runner: phases, precedence, exit, errors and
 * buffered bodies. Real plugins live in src/plugins/<name>/.
 */
import { registerBundledPlugin } from '../../src/plugins/registry.js';
import type { PluginHandler } from '../../src/plugins/types.js';

/** What log phases saw, newest last: `<tag> <status>`. */
export const logged: string[] = [];

interface TaggerConf {
  tag: string;
  exit: number | null;
}

const tagger: PluginHandler<TaggerConf> = {
  name: 'test-tagger',
  priority: 800,
  version: '1.0.0',
  phases: {
    rewrite(kong) {
      (kong.ctx.shared.trace as string[] | undefined) ?? (kong.ctx.shared.trace = []);
      (kong.ctx.shared.trace as string[]).push('rewrite');
    },
    access(kong, conf) {
      ((kong.ctx.shared.trace ??= []) as string[]).push('access');
      kong.ctx.plugin.tag = conf.tag;
      kong.service.request.setHeader('x-tag', conf.tag);
      if (conf.exit) kong.response.exit(conf.exit, { message: `stopped by ${conf.tag}` });
    },
    headerFilter(kong, conf) {
      ((kong.ctx.shared.trace ??= []) as string[]).push('header');
      kong.response.setHeader('x-tag-seen', conf.tag);
      kong.response.setHeader('x-trace', (kong.ctx.shared.trace as string[]).join(','));
      kong.response.setHeader('x-plugin-ctx', String(kong.ctx.plugin.tag ?? ''));
    },
    log(kong, conf) {
      logged.push(`${conf.tag} ${kong.response.getStatus()}`);
    },
  },
};

const auth: PluginHandler = {
  name: 'test-auth',
  priority: 1500,
  version: '1.0.0',
  phases: {
    access(kong) {
      const user = kong.request.getHeader('x-user');
      if (!user) return;
      const consumer = kong.snapshot.getConsumer(user);
      if (!consumer) return kong.response.exit(401, { message: 'Unauthorized' });
      kong.client.authenticate(consumer, null);
    },
  },
};

const crash: PluginHandler = {
  name: 'test-crash',
  priority: 700,
  version: '1.0.0',
  phases: {
    access() {
      throw new Error('boom');
    },
  },
};

const shout: PluginHandler = {
  name: 'test-shout',
  priority: 600,
  version: '1.0.0',
  phases: {
    async access(kong) {
      const body = await kong.request.getRawBody();
      if (body.length) kong.service.request.setRawBody(`${body.toString()}!`);
    },
    bodyFilter(kong) {
      kong.response.setRawBody(kong.response.getRawBody()!.toString().toUpperCase());
    },
  },
};

export function registerTestPlugins(): void {
  registerBundledPlugin({
    name: 'test-tagger',
    handler: tagger,
    schema: { config: { tag: { type: 'string', required: true }, exit: { type: 'integer', required: false } } },
  });
  registerBundledPlugin({ name: 'test-auth', handler: auth, schema: { noConsumer: true, config: {} } });
  registerBundledPlugin({ name: 'test-crash', handler: crash, schema: { config: {} } });
  registerBundledPlugin({ name: 'test-shout', handler: shout, schema: { config: {} } });
}
