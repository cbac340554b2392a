// The demo dashboard at /demo in Debian's Chromium (playwright-core), served by the real gateway: (a) subscribe and
// publish through the page and see the message; (b) WebSocket blocked by request interception makes the SDK fall
// back to SSE, and SSE blocked then to polling, still receiving in order; (c) the gateway process is killed and
// restarted on the same port and the page recovers without a gap. Saves a screenshot as a test artifact.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startGateway, GatewayProcess, freePort, repoRoot, uniqueChannel, client, closeClients, range, WAIT_MS } from './helpers.js';
import { startRedis } from './redis.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = path.join(repoRoot, 'artifacts', 'test-results');
const START_MS = 90_000;

async function launch() {
  assert.ok(existsSync(CHROMIUM), `Chromium is missing at ${CHROMIUM} (tests/run installs Debian's chromium package)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

/** A fresh page on the dashboard; `prepare(page)` runs before it loads (request interception). */
async function openDemo(browser, baseUrl, { query = '', prepare } = {}) {
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.errors = errors;
  if (prepare) await prepare(page);
  await page.goto(`${baseUrl}/demo${query}`);
  return page;
}

/** Waits until `predicate(window.demo)` holds in the page; the failure says what was awaited and shows the page's state. */
async function waitFor(page, predicate, what, arg = null, ms = WAIT_MS) {
  try {
    await page.waitForFunction(([source, a]) => window.demo && new Function('demo', 'arg', `return (${source})(demo, arg);`)(window.demo, a), [predicate.toString(), arg], {
      timeout: ms,
      polling: 50,
    });
  } catch (error) {
    const state = await page
      .evaluate(() => ({ state: window.demo?.rt.state, transport: window.demo?.rt.transport, received: window.demo?.received, events: [...document.querySelectorAll('#events li')].map((li) => li.textContent).slice(0, 12) }))
      .catch((e) => `(unreadable: ${e.message})`);
    throw new Error(`timed out after ${ms} ms waiting for ${what}\npage: ${JSON.stringify(state)}\npage errors: ${JSON.stringify(page.errors)}`, { cause: error });
  }
}

const transportIs = (page, name) => waitFor(page, (demo, t) => demo.rt.state === 'connected' && demo.rt.transport === t, `the ${name} transport`, name);
const receivedCount = (page, channel, n) => waitFor(page, (demo, [c, count]) => (demo.received[c] ?? []).length >= count, `${n} messages on ${channel}`, [channel, n]);
const receivedOf = (page, channel) => page.evaluate((c) => window.demo.received[c] ?? [], channel);

/** Subscribes through the dashboard's form. */
async function subscribeInPage(page, channel) {
  await page.fill('#subscribe-channel', channel);
  await page.click('#subscribe-form button[type=submit]');
  await waitFor(page, (demo, c) => c in demo.rt.positions() || `channel:${c}` in demo.rt.positions(), `the subscription to ${channel}`, channel);
}

describe('demo dashboard in Chromium', () => {
  let browser;
  before(async () => {
    browser = await launch();
  });
  after(async () => {
    closeClients();
    await browser?.close();
  });

  describe('on a running gateway', () => {
    let gateway;
    before(async () => {
      gateway = await startGateway();
    });
    after(async () => {
      await gateway?.stop();
    });

    it('(a) /demo connects, subscribes and publishes through the page, and shows the message with its offset', async () => {
      const page = await openDemo(browser, gateway.baseUrl, { query: '?user=ada' });
      try {
        await transportIs(page, 'websocket');
        const channel = uniqueChannel('demo.a');
        await subscribeInPage(page, channel);
        await page.fill('#publish-channel', channel);
        await page.fill('#publish-data', '{"text":"hello from the page"}');
        await page.click('#publish-form button[type=submit]');
        await receivedCount(page, channel, 1);
        assert.deepEqual(await receivedOf(page, channel), [1]);
        const row = page.locator('#log tr').first();
        assert.equal(await row.locator('td').nth(1).textContent(), channel);
        assert.equal(await row.locator('td').nth(2).textContent(), '1');
        assert.match(await row.locator('td').nth(4).textContent(), /hello from the page/);
        assert.match(await page.textContent('#publish-result'), /offset 1/);

        // Fill the rest of the dashboard for the screenshot: a room with another member, presence, a stream, the cluster.
        const grace = client(gateway.baseUrl, { user: 'grace' });
        await page.click('#join-form button[type=submit]');
        await waitFor(page, (demo) => demo.rt.members('lobby').length === 1, 'the room join');
        await grace.join('lobby');
        await grace.setPresence('busy', { typing: true });
        await waitFor(page, (demo) => demo.rt.members('lobby').some((m) => m.user === 'grace' && m.status === 'busy'), "grace's presence in the room");
        await grace.sendToRoom('lobby', 'chat.message', { text: 'hi ada' });
        await page.selectOption('#presence-status', 'away');
        await waitFor(page, (demo) => demo.rt.members('lobby').some((m) => m.user === 'ada' && m.status === 'away'), 'my own presence');
        assert.deepEqual((await page.locator('#members li strong').allTextContents()).sort(), ['ada', 'grace']);
        for (let n = 2; n <= 6; n++) await gateway.publish(channel, { text: `message ${n}`, n });
        await receivedCount(page, channel, 6);
        await page.click('#stream-form button[type=submit]');
        await page.waitForFunction(() => /following live/.test(document.querySelector('#stream-status').textContent), null, { timeout: WAIT_MS });
        await page.click('#append-form button[type=submit]');
        await page.waitForFunction(() => document.querySelectorAll('#stream-events li').length >= 1, null, { timeout: WAIT_MS });
        await page.click('#cluster-form button[type=submit]');
        await page.waitForFunction(() => document.querySelectorAll('#gateways tr').length >= 1 && document.querySelectorAll('#connections tr').length >= 2, null, { timeout: WAIT_MS });
        mkdirSync(ARTIFACTS, { recursive: true });
        await page.screenshot({ path: path.join(ARTIFACTS, 'demo.png'), fullPage: true });
        assert.deepEqual(page.errors, [], 'no script error on the page');
      } finally {
        await page.close();
      }
    });

    it('(b) WebSocket blocked: falls back to SSE; SSE blocked too: to polling; messages stay in order', async () => {
      const channel = uniqueChannel('demo.b');
      const page = await openDemo(browser, gateway.baseUrl, {
        // The network refuses WebSockets: the upgrade is answered, then closed at once, before any frame.
        prepare: (p) => p.routeWebSocket(/\/ws/, (ws) => ws.close({ code: 1008, reason: 'blocked by the test' })),
      });
      try {
        await transportIs(page, 'sse');
        await subscribeInPage(page, channel);
        await gateway.publishMany(channel, 5);
        await receivedCount(page, channel, 5);

        await page.route((url) => url.pathname === '/sse', (route) => route.abort('connectionrefused'));
        await page.click('#reconnect');
        await transportIs(page, 'polling');
        await gateway.publishMany(channel, 5);
        await receivedCount(page, channel, 10);
        assert.deepEqual(await receivedOf(page, channel), range(1, 10), 'every message once, in order, across both fallbacks');
        const events = await page.locator('#events li').allTextContents();
        assert.ok(events.some((e) => e.includes('transport chosen: sse')) && events.some((e) => e.includes('transport chosen: polling')), events.join('\n'));
        assert.deepEqual(page.errors, []);
      } finally {
        await page.close();
      }
    });
  });

  it('(c) the gateway is killed and restarted on the same port: the page reconnects and recovers without a gap', async (t) => {
    const redis = await startRedis();
    const ports = [await freePort(), await freePort(), await freePort()];
    const env = { Orleans__Storage: 'Redis', ConnectionStrings__Redis: redis.connectionString };
    let gateway = new GatewayProcess(...ports, env);
    let page;
    try {
      await gateway.waitUntilReady(START_MS);
      const channel = uniqueChannel('demo.c');
      page = await openDemo(browser, gateway.baseUrl);
      await transportIs(page, 'websocket');
      await subscribeInPage(page, channel);
      await gateway.publishMany(channel, 5);
      await receivedCount(page, channel, 5);
      const epoch = await page.evaluate((c) => window.demo.rt.positions()[`channel:${c}`].epoch, channel);

      await gateway.stop();
      await waitFor(page, (demo) => demo.rt.state !== 'connected', 'the page to notice the gateway is gone');
      gateway = new GatewayProcess(...ports, env);
      await gateway.waitUntilReady(START_MS);
      const restarted = Date.now();
      await gateway.publishMany(channel, 5); // published before the page is back: recovered with since
      await receivedCount(page, channel, 10);
      const recovered = Date.now();
      await gateway.publish(channel, { sentinel: true });
      await receivedCount(page, channel, 11);
      assert.deepEqual(await receivedOf(page, channel), range(1, 11), 'every message once, in order, across the restart');
      assert.equal(await page.evaluate((c) => window.demo.rt.positions()[`channel:${c}`].epoch, channel), epoch, 'history in Redis kept the epoch');
      t.diagnostic(`reconnect-and-recover after the gateway was ready again: ${recovered - restarted} ms (includes 5 REST publishes; backoff max 5 s)`);
      assert.deepEqual(page.errors, []);
    } finally {
      await page?.close();
      await gateway.stop();
      await redis.stop();
    }
  });
});
