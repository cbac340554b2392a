// A real browser (Debian's Chromium, driven by playwright-core): native WebSocket, native EventSource and the SignalR JS
// client on each transport receive published messages in order and survive a server-side connection drop without a
// gap or a duplicate. The test page is served on the gateway's own origin by request interception, so the server
// needs no test route.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startGateway, uniqueChannel, Inbox, WAIT_MS } from './harness.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const PAGE_HTML = readFileSync(path.join(here, 'browser', 'transport-test.html'), 'utf8');
const SIGNALR_BUNDLE = path.join(here, 'node_modules', '@microsoft', 'signalr', 'dist', 'browser', 'signalr.js');
const PAGE_PATH = '/__transport-test.html';

const BEFORE_DROP = 20;
const WHILE_DOWN = 15;

describe('browser transports (Chromium)', () => {
  let gateway;
  let browser;
  let page;
  const pageErrors = [];
  // EventSource reconnections cannot be held by page code: the route below holds the request itself while sse.hold is set.
  const sse = { requests: new Inbox(), count: 0, hold: null };

  before(async () => {
    assert.ok(existsSync(CHROMIUM), `Chromium is missing at ${CHROMIUM} (tests/run installs Debian's chromium package)`);
    gateway = await startGateway();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless', '--no-sandbox', '--disable-gpu',
        // No calls home on a machine without outside network: each would be refused or time out.
        '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
        // A page fulfilled by request interception has no address, so Chromium counts it as public and its Local
        // Network Access checks would block its requests to 127.0.0.1 (ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS).
        '--disable-features=LocalNetworkAccessChecks',
      ],
    });
    page = await browser.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.route(`${gateway.baseUrl}${PAGE_PATH}`, (route) => route.fulfill({ contentType: 'text/html', body: PAGE_HTML }));
    await page.route(
      (url) => url.origin === gateway.baseUrl && url.pathname === '/sse',
      async (route) => {
        sse.requests.push({ n: ++sse.count });
        if (sse.hold) await sse.hold;
        await route.continue();
      },
    );
    await page.goto(`${gateway.baseUrl}${PAGE_PATH}`);
    await page.addScriptTag({ path: SIGNALR_BUNDLE });
  });

  after(async () => {
    await page?.evaluate(() => window.rt?.stopAll()).catch(() => {});
    await browser?.close();
    await gateway?.stop();
  });

  /** The page-side state of client `name`. */
  const state = (name) => page.evaluate((n) => window.rt.clients[n], name);

  /**
   * Waits until `predicate(state, arg)` holds in the page (the predicate runs there: it sees only its arguments);
   * the failure says what was awaited and shows the client's state.
   */
  async function waitFor(name, predicate, what, arg = null, ms = WAIT_MS) {
    try {
      await page.waitForFunction(
        ([n, source, a]) => {
          const s = window.rt.clients[n];
          return s && new Function('s', 'arg', `return (${source})(s, arg);`)(s, a);
        },
        [name, predicate.toString(), arg],
        { timeout: ms, polling: 50 },
      );
    } catch (error) {
      const snapshot = await state(name).catch((e) => `(unreadable: ${e.message})`);
      throw new Error(
        `timed out after ${ms} ms waiting for ${name}: ${what}\nclient state: ${JSON.stringify(snapshot)}\npage errors: ${JSON.stringify(pageErrors)}`,
        { cause: error },
      );
    }
  }

  const range = (from, to) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

  /**
   * The scenario every browser client goes through: ordered delivery, a server-side drop (admin DELETE), messages
   * published while it is down, then resumption without gap or duplicate. `hold`/`release` keep it from reconnecting
   * while messages are missed; `disconnected` says when the drop has been noticed.
   */
  async function dropAndResume(name, channel, { hold, release, disconnected }) {
    await waitFor(name, (s) => s.acks.some((a) => a.channel === s.channel), 'the subscribe ack');
    await gateway.publishMany(channel, BEFORE_DROP);
    await waitFor(name, (s, n) => s.offsets.length >= n, `${BEFORE_DROP} messages`, BEFORE_DROP);
    assert.deepEqual((await state(name)).offsets, range(1, BEFORE_DROP), 'messages in order before the drop');

    const before = await state(name);
    const connectionId = before.welcomes.at(-1)?.connectionId;
    assert.ok(connectionId, 'the client was welcomed with a connection id');

    await hold();
    await gateway.dropConnection(connectionId);
    await disconnected();
    await gateway.publishMany(channel, WHILE_DOWN);
    await release();

    const total = BEFORE_DROP + WHILE_DOWN;
    await waitFor(name, (s, n) => s.offsets.length >= n, `the ${WHILE_DOWN} messages published while it was disconnected`, total);
    await gateway.publish(channel, { sentinel: true });
    await waitFor(name, (s, offset) => s.offsets.includes(offset), 'the live message published after resuming', total + 1);
    const after = await state(name);
    assert.deepEqual(after.offsets, range(1, total + 1), 'every message exactly once, in order, across the drop');
    return after;
  }

  /** Page-code clients (WebSocket, SignalR) are held and released by the page itself. */
  const pageHold = (name, disconnected) => ({
    hold: () => page.evaluate((n) => window.rt.hold(n), name),
    release: () => page.evaluate((n) => window.rt.release(n), name),
    disconnected,
  });

  it('native WebSocket: ordered delivery and resubscription with since after a server-side drop', async () => {
    const channel = uniqueChannel('browser.ws');
    await page.evaluate(([n, c]) => window.rt.startWebSocket(n, c), ['ws', channel]);
    const after = await dropAndResume(
      'ws',
      channel,
      pageHold('ws', () => waitFor('ws', (s) => s.disconnects >= 1, 'the WebSocket to be closed by the server')),
    );
    assert.ok(
      after.closeCodes[0] === 4010 || after.closeFrames.some((f) => f.code === 'closed_by_admin'),
      `the drop says closed_by_admin (close codes ${after.closeCodes}, close frames ${JSON.stringify(after.closeFrames)})`,
    );
    assert.equal(after.welcomes.length, 2, 'one reconnection');
    const resumed = after.acks.at(-1);
    assert.equal(resumed.recovered, true, `the resubscription recovered: ${JSON.stringify(resumed)}`);
  });

  it('native EventSource: resumes by itself with Last-Event-ID after a server-side drop', async () => {
    const channel = uniqueChannel('browser.sse');
    const first = sse.count + 1;
    await page.evaluate(([n, c]) => window.rt.startEventSource(n, c), ['sse', channel]);
    let release;
    let reconnect;
    const after = await dropAndResume('sse', channel, {
      hold: () => {
        sse.hold = new Promise((resolve) => {
          release = resolve;
        });
      },
      release: () => {
        sse.hold = null;
        release();
      },
      // The browser's own reconnection request, held by the route until the missed messages are published.
      disconnected: async () => {
        reconnect = await sse.requests.next((r) => r.n === first + 1, 'the browser EventSource to reconnect by itself');
      },
    });
    // Chromium adds Last-Event-ID below the layer request interception sees (it is not among the route's headers), so
    // the proof that it was sent is the server's: the reconnection's ack says recovered, and nothing was missed.
    assert.equal(reconnect.n, first + 1);
    const acks = after.acks.filter((a) => a.channel === channel);
    assert.equal(acks.length, 2, `one ack per stream: ${JSON.stringify(acks)}`);
    assert.equal(acks[1].recovered, true, `the reconnection resumed from the token: ${JSON.stringify(acks[1])}`);
    assert.ok(after.closeFrames.some((f) => f.code === 'closed_by_admin'), `close frame: ${JSON.stringify(after.closeFrames)}`);
  });

  for (const transport of ['WebSockets', 'ServerSentEvents', 'LongPolling']) {
    it(`SignalR JS client over ${transport}: ordered delivery and resubscription with since after a server-side drop`, async () => {
      const name = `signalr-${transport}`;
      const channel = uniqueChannel(`browser.hub.${transport.toLowerCase()}`);
      await page.evaluate(([n, c, t]) => window.rt.startSignalR(n, c, t), [name, channel, transport]);
      const after = await dropAndResume(
        name,
        channel,
        pageHold(name, () => waitFor(name, (s) => s.disconnects >= 1, `the ${transport} hub connection to be closed by the server`)),
      );
      assert.ok(after.welcomes.length >= 2, 'reconnected and welcomed again');
      assert.ok(after.welcomes.every((w) => w.transport === 'signalr'));
      const resumed = after.acks.at(-1);
      assert.equal(resumed.recovered, true, `the resubscription recovered: ${JSON.stringify(resumed)}`);
    });
  }
});
