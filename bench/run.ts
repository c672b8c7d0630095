// `npm run bench -- <name>`: runs one benchmark and prints its table.
const name = process.argv[2];
const benches: Record<string, () => Promise<unknown>> = {
  proxy: () => import('./proxy.js').then((m) => m.main()),
  propagation: () => import('./propagation.js').then((m) => m.main()),
  declarative: () => import('./declarative.js').then((m) => m.main()),
  plugins: () => import('./plugins.js').then((m) => m.main()),
  cache: () => import('./cache.js').then((m) => m.main()),
  admin: () => import('./admin.js').then((m) => m.main()),
};
if (!name || !benches[name]) {
  process.stderr.write(`usage: npm run bench -- <${Object.keys(benches).join('|')}>\n`);
  process.exit(1);
}
benches[name]().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench ${name} failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
