// `npm run build` (then tsc writes dist/types/*.d.ts): esbuild writes the library (dist/index.js, dist/react.js with React left external) and the
// upload page (dist/page/index.html, app.js bundled and minified for ES2020, app.css), which the gateway serves.

import { build } from 'esbuild';
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const common = { bundle: true, format: 'esm', target: 'es2020', platform: 'browser', logLevel: 'warning' };

// dist/react.js imports the client from dist/index.js instead of bundling a second copy, so `instanceof UploadError`
// and the resume store agree between the two entry points.
const clientFromIndex = {
  name: 'client-from-index',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^\.\/client\.js$/ }, () => ({ path: './index.js', external: true }));
  },
};

await rm(dist, { recursive: true, force: true });
await mkdir(join(dist, 'page'), { recursive: true });

await Promise.all([
  build({ ...common, entryPoints: [join(root, 'src/index.ts')], outfile: join(dist, 'index.js'), sourcemap: true }),
  build({ ...common, entryPoints: [join(root, 'src/react.ts')], outfile: join(dist, 'react.js'), sourcemap: true, external: ['react'], plugins: [clientFromIndex] }),
  build({ ...common, entryPoints: [join(root, 'page/main.ts')], outfile: join(dist, 'page/app.js'), minify: true }),
  build({ entryPoints: [join(root, 'page/styles.css')], outfile: join(dist, 'page/app.css'), bundle: true, minify: true, logLevel: 'warning' }),
  copyFile(join(root, 'page/index.html'), join(dist, 'page/index.html')),
]);
