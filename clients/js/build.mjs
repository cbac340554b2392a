// Builds the SDK: dist/realtime.js (ESM bundle), dist/realtime.min.js (minified, for size), dist/types (declarations
// from tsc, which also type-checks), and with --demo (`npm run build`) the demo's copy gateway/wwwroot/demo/realtime.js,
// which is committed so the gateway serves /demo without a build step. Tests build without --demo, so
// test/demo-bundle.test.js compares the committed copy with `bundle()` and catches a copy that was not rebuilt.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.dirname(fileURLToPath(import.meta.url));
export const demoBundle = path.resolve(root, '..', '..', 'gateway', 'wwwroot', 'demo', 'realtime.js');

const BANNER = '// OrleansRealtime JS client, built from clients/js by `npm run build`. Do not edit: edit clients/js/src.';

/** The ESM bundle's text (minified or not), built in memory. */
export async function bundle({ minify = false } = {}) {
  const result = await build({
    entryPoints: [path.join(root, 'src', 'index.ts')],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    platform: 'neutral',
    minify,
    legalComments: 'none',
    banner: { js: BANNER },
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dist = path.join(root, 'dist');
  mkdirSync(dist, { recursive: true });
  const plain = await bundle();
  writeFileSync(path.join(dist, 'realtime.js'), plain);
  writeFileSync(path.join(dist, 'realtime.min.js'), await bundle({ minify: true }));
  if (process.argv.includes('--demo')) writeFileSync(demoBundle, plain);
  execFileSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(root, 'tsconfig.json')], { stdio: 'inherit' });
  const demo = process.argv.includes('--demo') ? ` and ${path.relative(process.cwd(), demoBundle)}` : '';
  console.log(`built dist/realtime.js, dist/realtime.min.js, dist/types${demo}`);
}
