// Shared helpers of the SDK tests. The gateway process, timeouts and REST helpers come from tests/js/harness.js (the
// transport tests' harness); this file adds what only the SDK tests need: clients wired to Node's ws/eventsource, a
// TCP proxy that can cut or refuse connections like a broken network, a collector of delivered messages, and HS256
// tokens.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import net from 'node:net';
import WebSocket from 'ws';
import { EventSource } from 'eventsource';
import { RealtimeClient } from '../dist/realtime.js';
import { withTimeout, WAIT_MS } from '../../../tests/js/harness.js';

export * from '../../../tests/js/harness.js';

/** A client on Node.js: `ws` and `eventsource` as the WebSocket and EventSource implementations. */
export function client(url, options = {}) {
  const rt = new RealtimeClient(url, { WebSocket, EventSource, reconnect: { initialDelayMs: 50, maxDelayMs: 500 }, ...options });
  clients.add(rt);
  return rt;
}

const clients = new Set();
/** Closes every client the test made (call in afterEach). */
export function closeClients() {
  for (const rt of clients) rt.close();
  clients.clear();
}

/** Resolves with the arguments of the next `event` of `rt` that satisfies `predicate`. */
export function nextEvent(rt, event, predicate = () => true, what = `the '${event}' event`, ms = WAIT_MS) {
  let off;
  const promise = new Promise((resolve) => {
    off = rt.on(event, (value) => {
      if (predicate(value)) resolve(value);
    });
  });
  return withTimeout(promise, what, ms).finally(() => off());
}

/** Collects what a subscription delivers; `until(n)` waits until `n` items have arrived. */
export class Collector {
  items = [];
  #waiters = [];

  get push() {
    return (item) => {
      this.items.push(item);
      for (const waiter of [...this.#waiters]) {
        if (this.items.length >= waiter.count) {
          this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
          waiter.resolve();
        }
      }
    };
  }

  until(count, what, ms = WAIT_MS) {
    if (this.items.length >= count) return Promise.resolve(this.items);
    const promise = new Promise((resolve) => this.#waiters.push({ count, resolve }));
    return withTimeout(promise, `${what} (${this.items.length} of ${count} so far: offsets ${this.items.map((m) => m.offset)})`, ms).then(
      () => this.items,
    );
  }

  get offsets() {
    return this.items.map((m) => m.offset);
  }
}

export const range = (from, to) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Asserts the collected messages are exactly offsets from..to, once each, in order. */
export function assertOffsets(collector, from, to, what) {
  assert.deepEqual(collector.offsets, range(from, to), `${what}: every offset once, in order`);
}

/** An HS256 JWT for `sub`, expiring `seconds` from now. */
export function token(secret, sub, seconds, claims = {}) {
  const now = Math.floor(Date.now() / 1000);
  const encode = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const body = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode({ sub, iat: now, exp: now + seconds, ...claims })}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

/**
 * A TCP proxy on a free loopback port in front of `targetPort`: what a flaky network or a hostile proxy does.
 * `cut()` drops every open connection; `refuse(rule)` closes new requests that match (`'*'` all, `'websocket'`
 * upgrades, or a path); `hold(prefix)` swallows matching requests without answering (a proxy that buffers a stream).
 * `requests` records every request line seen.
 */
export class Proxy {
  #server;
  #sockets = new Set();
  #rules = [];
  requests = [];

  static async start(targetPort) {
    const proxy = new Proxy(targetPort);
    await new Promise((resolve, reject) => {
      proxy.#server.once('error', reject);
      proxy.#server.listen(0, '127.0.0.1', resolve);
    });
    return proxy;
  }

  constructor(targetPort) {
    this.#server = net.createServer((downstream) => {
      const upstream = net.connect(targetPort, '127.0.0.1');
      this.#sockets.add(downstream).add(upstream);
      let held = false;
      downstream.on('data', (chunk) => {
        const head = chunk.toString('latin1', 0, Math.min(chunk.length, 2048));
        const line = /^(GET|POST|PUT|DELETE) (\S+) HTTP/.exec(head);
        if (line) {
          this.requests.push(`${line[1]} ${line[2]}`);
          const rule = this.#rules.find((r) => r.matches(line[2], head));
          if (rule?.action === 'refuse') {
            downstream.destroy();
            upstream.destroy();
            return;
          }
          if (rule?.action === 'hold') held = true;
        }
        if (!held) upstream.write(chunk);
      });
      upstream.on('data', (chunk) => {
        if (!held) downstream.write(chunk);
      });
      const end = () => {
        downstream.destroy();
        upstream.destroy();
        this.#sockets.delete(downstream);
        this.#sockets.delete(upstream);
      };
      downstream.on('close', end).on('error', end);
      upstream.on('close', end).on('error', end);
    });
  }

  get port() {
    return this.#server.address().port;
  }

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  cut() {
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
  }

  refuse(what) {
    this.#rules.push(rule('refuse', what));
  }

  hold(what) {
    this.#rules.push(rule('hold', what));
  }

  allowAll() {
    this.#rules.length = 0;
  }

  async stop() {
    this.cut();
    await new Promise((resolve) => this.#server.close(resolve));
  }
}

function rule(action, what) {
  const matches =
    what === '*' ? () => true
    : what === 'websocket' ? (_path, head) => /\r\nupgrade: websocket/i.test(head)
    : (path) => path === what || path.startsWith(`${what}?`) || path.startsWith(`${what}/`);
  return { action, matches };
}
