import { settings } from './defaults.js';
import type { Setting } from './setting-types.js';

function formatDefault(setting: Setting<unknown>): string {
  const d = setting.default;
  if (d === null) return '(unset)';
  if (Array.isArray(d)) return d.length === 0 ? '(empty)' : `\`${d.join(', ')}\``;
  if (typeof d === 'boolean') return d ? '`on`' : '`off`';
  return `\`${String(d)}\``;
}

function formatType(setting: Setting<unknown>): string {
  if (setting.kind === 'enum') return `one of ${(setting.values ?? []).map((v) => `\`${v}\``).join(', ')}`;
  if (setting.kind === 'array') return 'comma list';
  return setting.kind;
}

/** docs/configuration.md, generated from the one defaults table (a test keeps them equal). */
export function renderConfigurationDoc(): string {
  const lines = [
    '# Configuration reference',
    '',
    '<!-- Generated from src/config/defaults.ts by `npm run docs`; do not edit by hand. -->',
    '',
    'Silverback reads `kong.conf` (`-c FILE`, else `/etc/kong/kong.conf`, else `/etc/kong.conf`), then `KONG_<NAME>`',
    'environment variables, then command-line flags; each later source overrides the earlier ones.',
    '',
    'File syntax: `key = value`; `#` starts a comment unless written `\\#`; a value in matching single or double quotes',
    'is unquoted; `-` and `_` are the same in keys; the last duplicate wins. Booleans are `on`, `off`, `true` or `false`',
    '(any case) and anything else is an error; numbers must be numbers; an empty value means unset. Unknown keys are',
    'reported as warnings; Kong settings Silverback does not use are reported as ignored. Secrets (`pg_password`,',
    '`pg_ro_password`) are never printed.',
    '',
    '| setting | type | default | description |',
    '|---|---|---|---|',
  ];
  for (const [name, setting] of Object.entries(settings) as [string, Setting<unknown>][]) {
    const desc = setting.ignored ? `${setting.description} (no effect)` : setting.description;
    lines.push(`| \`${name}\` | ${formatType(setting)} | ${formatDefault(setting)} | ${desc.replace(/\|/g, '\\|')} |`);
  }
  lines.push('');
  return lines.join('\n');
}
