// The demo dashboard loads the SDK from gateway/wwwroot/demo/realtime.js, committed so the gateway serves /demo
// without a build step. It must be exactly what clients/js/src builds today, or the demo would run stale code.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { bundle, demoBundle } from '../build.mjs';

it('the committed demo bundle is what the SDK source builds (run `npm run build` in clients/js after a change)', async () => {
  const committed = readFileSync(demoBundle, 'utf8');
  const built = await bundle();
  assert.ok(committed === built, `${demoBundle} differs from a fresh build of clients/js/src: run 'npm run build' in clients/js and commit it`);
});
