// Bundles the Electron main process and preload into CommonJS (a sandboxed preload
// cannot be an ES module), with `electron` left to the runtime.
import { build } from 'esbuild';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  external: ['electron'],
  sourcemap: true,
  logLevel: 'warning',
};
await build({ ...common, entryPoints: ['electron/main/index.ts'], outfile: 'dist-electron/main/index.cjs' });
await build({
  ...common,
  entryPoints: ['electron/preload/index.ts'],
  outfile: 'dist-electron/preload/index.cjs',
});
console.log('built dist-electron/main/index.cjs and dist-electron/preload/index.cjs');
