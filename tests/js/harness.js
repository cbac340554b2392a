// Test harness: starts the real gateway process (embedded silo, memory storage) on free loopback ports, waits
// until it is ready, and stops it by its PID. Also the helpers every transport test shares: timeouts that say what
// was awaited, an inbox of received frames, REST calls, and the offset-sequence assertions.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const gatewayDll = path.join(repoRoot, 'gateway', 'bin', 'Release', 'net10.0', 'OrleansRealtime.Gateway.dll');

/** Default time any single wait may take before the test fails with a message naming what it waited for. */
export const WAIT_MS = 15_000;
const START_TIMEOUT_MS = 90_000;
const START_ATTEMPTS = 3;
const OUTPUT_TAIL_CHARS = 4_000;

/** A free TCP port on 127.0.0.1: bind port 0, read what the OS chose, close. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Resolves or rejects like the promise, or rejects after `ms` with "timed out after N ms waiting for <what>". */
export function withTimeout(promise, what, ms = WAIT_MS) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A unique, valid channel name per test, so tests sharing a gateway never see each other's messages. */
export function uniqueChannel(prefix = 'ch') {
  return `${prefix}.${randomBytes(6).toString('hex')}`;
}

/**
 * Items (frames) in arrival order. `next(predicate)` takes the first buffered item that matches, or waits for one;
 * items that do not match stay buffered for later calls, so one inbox serves answers and messages alike.
 * `end(reason)` makes every current and later wait fail at once (the connection is gone).
 */
export class Inbox {
  #items = [];
  #waiters = [];
  #ended = null;

  push(item) {
    for (const waiter of this.#waiters) {
      if (waiter.predicate(item)) {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        waiter.resolve(item);
        return;
      }
    }
    this.#items.push(item);
  }

  end(reason) {
    if (this.#ended) return;
    this.#ended = reason;
    for (const waiter of this.#waiters.splice(0)) waiter.reject(new Error(`${reason} while waiting for ${waiter.what}`));
  }

  get ended() {
    return this.#ended;
  }

  /** Every buffered item (not removed); for assertions that nothing else arrived. */
  peekAll() {
    return [...this.#items];
  }

  next(predicate = () => true, what = 'the next frame', ms = WAIT_MS) {
    const index = this.#items.findIndex(predicate);
    if (index >= 0) return Promise.resolve(this.#items.splice(index, 1)[0]);
    if (this.#ended) return Promise.reject(new Error(`${this.#ended} while waiting for ${what}`));
    let waiter;
    const promise = new Promise((resolve, reject) => {
      waiter = { predicate, resolve, reject, what };
      this.#waiters.push(waiter);
    });
    return withTimeout(promise, what, ms).finally(() => {
      const i = this.#waiters.indexOf(waiter);
      if (i >= 0) this.#waiters.splice(i, 1);
    });
  }

  /** The next `count` items matching `predicate`, in arrival order. */
  async take(count, predicate, what, ms = WAIT_MS) {
    const taken = [];
    const deadline = Date.now() + ms;
    while (taken.length < count) {
      const left = Math.max(deadline - Date.now(), 1);
      taken.push(await this.next(predicate, `${what} (${taken.length} of ${count} received)`, left));
    }
    return taken;
  }

  /** The next frame of `type` (and, when given, with `id`). */
  frame(type, id, ms = WAIT_MS) {
    return this.next(
      (f) => f?.type === type && (id === undefined || f.id === id),
      `a '${type}' frame${id === undefined ? '' : ` with id ${JSON.stringify(id)}`}`,
      ms,
    );
  }

  /** The answer (ack or error) to the client frame with `id`. */
  answer(id, ms = WAIT_MS) {
    return this.next((f) => (f?.type === 'ack' || f?.type === 'error') && f.id === id, `the answer to frame id ${JSON.stringify(id)}`, ms);
  }

  /** The next `count` message frames of `channel`, in arrival order. */
  messages(channel, count, ms = WAIT_MS) {
    return this.take(count, (f) => f?.type === 'message' && f.channel === channel, `${count} messages on '${channel}'`, ms);
  }
}

/** Asserts `messages` are exactly offsets first, first+1, … of `channel` (no gap, no duplicate, in order). */
export function assertConsecutive(messages, channel, first, count) {
  assert.equal(messages.length, count, `expected ${count} messages on '${channel}', got ${messages.length}`);
  const offsets = messages.map((m) => m.offset);
  const expected = Array.from({ length: count }, (_, i) => first + i);
  assert.deepEqual(offsets, expected, `offsets on '${channel}' must be ${first}..${first + count - 1} in order`);
  for (const m of messages) {
    assert.equal(m.type, 'message');
    assert.equal(m.channel, channel);
    assert.equal(typeof m.epoch, 'string');
  }
}

/** Asserts that nothing more of `channel` arrives once a sentinel published after it has arrived. */
export function assertNoOtherMessages(inbox, channel) {
  const extra = inbox.peekAll().filter((f) => f?.type === 'message' && f.channel === channel);
  assert.deepEqual(extra.map((m) => m.offset), [], `unexpected extra (duplicate?) messages on '${channel}'`);
}

/**
 * Starts the gateway built by `tests/run` (or `dotnet build gateway -c Release`) on free loopback ports and waits for
 * `GET /health/ready` 200. `env` adds or overrides environment variables. Retries on other ports when the process
 * exits early (a port taken between our probe and its bind).
 */
export async function startGateway({ env = {} } = {}) {
  if (!existsSync(gatewayDll)) {
    throw new Error(
      `the gateway is not built: ${gatewayDll} is missing. Build it with 'dotnet build gateway -c Release' (tests/run does).`,
    );
  }
  for (let attempt = 1; ; attempt++) {
    const gateway = new GatewayProcess(await freePort(), await freePort(), await freePort(), env);
    try {
      await gateway.waitUntilReady(START_TIMEOUT_MS);
      return gateway;
    } catch (error) {
      await gateway.stop();
      if (!(error instanceof ExitedEarly) || attempt >= START_ATTEMPTS) throw error;
    }
  }
}

class ExitedEarly extends Error {}

const running = new Set();
// Last resort: a test file that crashes must not leave its gateway behind. Only our own children, by PID.
process.once('exit', () => {
  for (const gateway of running) {
    try {
      process.kill(gateway.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

export class GatewayProcess {
  #child;
  #output = '';
  #exited;
  #exitInfo = null;

  constructor(httpPort, siloPort, siloGatewayPort, env) {
    this.port = httpPort;
    this.baseUrl = `http://127.0.0.1:${httpPort}`;
    this.wsUrl = `ws://127.0.0.1:${httpPort}`;
    this.#child = spawn('dotnet', [gatewayDll, '--urls', this.baseUrl], {
      cwd: path.dirname(gatewayDll),
      env: {
        ...process.env,
        DOTNET_NOLOGO: '1',
        DOTNET_CLI_TELEMETRY_OPTOUT: '1',
        Orleans__Clustering: 'Embedded',
        Orleans__SiloPort: String(siloPort),
        Orleans__GatewayPort: String(siloGatewayPort),
        Realtime__Auth__AllowAnonymous: 'true',
        // Tests publish hundreds of frames per second from one connection on purpose.
        Realtime__Limits__MessagesPerSecond: '100000',
        Logging__LogLevel__Default: 'Warning',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.pid = this.#child.pid;
    running.add(this);
    const keep = (chunk) => {
      this.#output = (this.#output + chunk.toString()).slice(-OUTPUT_TAIL_CHARS);
    };
    this.#child.stdout.on('data', keep);
    this.#child.stderr.on('data', keep);
    this.#exited = new Promise((resolve) => {
      this.#child.once('exit', (code, signal) => {
        this.#exitInfo = { code, signal };
        running.delete(this);
        resolve();
      });
      this.#child.once('error', (error) => {
        this.#exitInfo = { code: null, signal: null, error };
        running.delete(this);
        resolve();
      });
    });
  }

  /** The last few KiB of the process's stdout and stderr, for failure messages. */
  outputTail() {
    return this.#output.trim() || '(no output)';
  }

  describe() {
    return `gateway pid ${this.pid} on ${this.baseUrl}; output tail:\n${this.outputTail()}`;
  }

  async waitUntilReady(ms) {
    const deadline = Date.now() + ms;
    let last = 'no answer yet';
    while (Date.now() < deadline) {
      if (this.#exitInfo) {
        const { code, signal, error } = this.#exitInfo;
        throw new ExitedEarly(
          `the gateway exited before it was ready (code ${code}, signal ${signal}${error ? `, ${error.message}` : ''}); ${this.describe()}`,
        );
      }
      try {
        const response = await fetch(`${this.baseUrl}/health/ready`, { signal: AbortSignal.timeout(5_000) });
        if (response.status === 200) return;
        last = `${response.status} ${await response.text()}`;
      } catch (error) {
        last = error.cause?.code ?? error.message;
      }
      // Poll interval while the process starts; readiness itself is the event awaited, bounded by the deadline.
      await Promise.race([new Promise((r) => setTimeout(r, 200)), this.#exited]);
    }
    throw new Error(`the gateway was not ready within ${ms} ms (last GET /health/ready: ${last}); ${this.describe()}`);
  }

  /** SIGKILL by PID and wait for the exit; nothing to keep (memory storage). Safe to call twice. */
  async stop() {
    if (!this.#exitInfo) {
      try {
        process.kill(this.pid, 'SIGKILL');
      } catch {
        // exited meanwhile
      }
    }
    await withTimeout(this.#exited, `gateway pid ${this.pid} to exit after SIGKILL`, 10_000);
  }

  // ---- REST ----

  async request(method, pathAndQuery, { body, headers = {}, expectStatus, ms = WAIT_MS } = {}) {
    let response;
    let text;
    try {
      const signal = AbortSignal.timeout(ms);
      response = await fetch(this.baseUrl + pathAndQuery, {
        method,
        headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
        signal,
      });
      text = await response.text();
    } catch (error) {
      if (error.name === 'TimeoutError') throw new Error(`timed out after ${ms} ms waiting for the answer to ${method} ${pathAndQuery}`);
      throw error;
    }
    let json;
    try {
      json = text.length ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (expectStatus !== undefined) {
      assert.equal(response.status, expectStatus, `${method} ${pathAndQuery} answered ${response.status}: ${text}`);
    }
    return { status: response.status, headers: response.headers, text, json };
  }

  /** Publishes `data` through REST; returns `{offset, epoch}`. */
  async publish(channel, data) {
    // Stringified here: request() sends a string body as it is, and the data may itself be a string.
    const body = JSON.stringify(data);
    const { json } = await this.request('POST', `/api/channels/${encodeURIComponent(channel)}/messages`, { body, expectStatus: 200 });
    return json;
  }

  /** Publishes `count` numbered messages `{n: 1..count}` one after another; returns the last `{offset, epoch}`. */
  async publishMany(channel, count, tag = 'n') {
    let last;
    for (let n = 1; n <= count; n++) last = await this.publish(channel, { [tag]: n });
    return last;
  }

  /** Closes a connection server-side (admin API), as if the server dropped it. */
  async dropConnection(connectionId) {
    const { status, text } = await this.request('DELETE', `/api/connections/${encodeURIComponent(connectionId)}`);
    assert.ok(status >= 200 && status < 300, `DELETE /api/connections/${connectionId} answered ${status}: ${text}`);
  }

  async channelInfo(channel) {
    return (await this.request('GET', `/api/channels/${encodeURIComponent(channel)}`, { expectStatus: 200 })).json;
  }
}

/** Asserts an RFC 7807 problem answer with the given wire error `code`. */
export function assertProblem(answer, code, what) {
  assert.ok(answer.status >= 400 && answer.status < 500, `${what}: expected a 4xx status, got ${answer.status}: ${answer.text}`);
  assert.match(answer.headers.get('content-type') ?? '', /^application\/problem\+json/, `${what}: an RFC 7807 problem content type`);
  assert.ok(answer.json, `${what}: expected a JSON problem body, got: ${answer.text}`);
  assert.equal(answer.json.code, code, `${what}: problem code (body: ${answer.text})`);
  assert.equal(answer.json.status, answer.status, `${what}: the problem's status is the HTTP status`);
}
