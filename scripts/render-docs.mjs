// Regenerates docs that are derived from code (run after `npm run build`).
import { writeFileSync } from 'node:fs';
const { renderConfigurationDoc } = await import('../dist/config/docs.js');
writeFileSync(new URL('../docs/configuration.md', import.meta.url), renderConfigurationDoc());
console.log('wrote docs/configuration.md');
