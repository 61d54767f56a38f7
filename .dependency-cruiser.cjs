// Layer rules of ARCHITECTURE.md §2, checked in CI.
const layer = (name) => `^src/${name}/`;
module.exports = {
  forbidden: [
    { name: 'no-cycles', severity: 'error', from: {}, to: { circular: true } },
    { name: 'core-is-pure', severity: 'error', from: { path: layer('core') },
      to: { path: '^src/(?!core/)' } },
    { name: 'core-no-io', severity: 'error', from: { path: layer('core') },
      to: { dependencyTypes: ['core'], path: '^(node:)?(fs|child_process|net|http|https|dgram|os|worker_threads|cluster)' } },
    { name: 'edges-import-only-core', severity: 'error',
      from: { path: '^src/(adapters|runtimes|secrets|store)/' },
      to: { path: '^src/(?!core/)', pathNot: '^src/$1/' } },
    { name: 'no-runtime-cross-import', severity: 'error',
      from: { path: '^src/runtimes/([^/]+)/' }, to: { path: '^src/runtimes/', pathNot: '^src/runtimes/$1/' } },
    { name: 'app-gets-ports', severity: 'error', from: { path: '^src/(app|reconciler)/' },
      to: { path: '^src/(adapters|runtimes|secrets|store|api|cli)/' } },
    { name: 'api-uses-app', severity: 'error', from: { path: layer('api') },
      to: { path: '^src/(adapters|runtimes|secrets|store|reconciler|cli)/' } },
    { name: 'cli-uses-app-or-core', severity: 'error', from: { path: layer('cli') },
      to: { path: '^src/(runtimes|secrets|store|reconciler|api)/' } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.ts$' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs'] },
  },
};
