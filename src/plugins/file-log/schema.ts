/** file-log configuration (Kong's kong/plugins/file-log/schema.lua). */
import type { PluginSchemaDef } from '../../schema/types.js';
import { customFieldsByLua } from '../http-log/schema.js';

export interface FileLogConfig {
  path: string;
  reopen: boolean;
  custom_fields_by_lua: Record<string, string> | null;
}

export const fileLogSchema: PluginSchemaDef = {
  config: {
    path: {
      type: 'string',
      required: true,
      // No leading/trailing whitespace and none of * & % \ ` anywhere (Kong's pattern).
      match: /^[^\s*&%\\`][^*&%\\`]*[^\s*&%\\`]$/,
      err: 'not a valid filename',
      description: "The file path of the output log file. The plugin creates the log file if it doesn't exist yet.",
    },
    reopen: { type: 'boolean', required: true, default: false, description: 'Determines whether the log file is closed and reopened on every request.' },
    custom_fields_by_lua: customFieldsByLua(),
  },
};
