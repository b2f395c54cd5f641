// Builds the local Broker as a library into dist/ (git-ignored): ES modules with type declarations from tsc
// (tsconfig.build.json rewrites the relative `.ts` imports), the default seed beside them, and a CommonJS bundle
// of the same entry for `require` (esbuild; dependencies stay external). Run by `npm run build` and `prepack`.
import { execFileSync } from 'node:child_process';
import { copyFileSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL('../../../', import.meta.url));
const dist = join(root, 'dist');

rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });

// Declarations keep the source's `./x.ts` specifiers; consumers resolve `./x.js` to the emitted `x.d.ts`.
const walk = (dir) => readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? walk(join(dir, name)) : [join(dir, name)]));
for (const file of walk(dist).filter((f) => f.endsWith('.d.ts'))) {
  const text = readFileSync(file, 'utf8');
  const fixed = text.replace(/(from\s+|import\()(['"])(\.{1,2}\/[^'"]+)\.ts\2/g, '$1$2$3.js$2');
  if (fixed !== text) writeFileSync(file, fixed);
}

copyFileSync(join(root, 'src/local-broker/default-seed.json'), join(dist, 'local-broker/default-seed.json'));

const esbuild = require('esbuild');
esbuild.buildSync({
  entryPoints: [join(dist, 'local-broker/index.js')],
  outfile: join(dist, 'local-broker/index.cjs'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  packages: 'external',
  // import.meta.url (the default seed's location) has no CommonJS equivalent; give it this file's URL.
  define: { 'import.meta.url': '__localBrokerModuleUrl' },
  banner: { js: "const __localBrokerModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
  logLevel: 'warning',
});
writeFileSync(join(dist, 'local-broker/index.d.cts'), "export * from './index.js';\n");
console.log('built dist/local-broker (ESM + .d.ts, CommonJS index.cjs)');
