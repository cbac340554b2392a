// The SDK against a gateway with tokens and a low rate limit: `rate_limited` errors expose `retryAfterMs`, and an
// expiring token is refreshed through `getToken()` before every connection, so a `token_expired` close is survived
// without a gap.
import { describe, it, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { RealtimeError } from '../dist/realtime.js';
import { startGateway, uniqueChannel, client, closeClients, Collector, assertOffsets, nextEvent, token, withTimeout } from './helpers.js';

const SECRET = randomBytes(32).toString('hex');
const RATE = 5;

describe('RealtimeClient with tokens and rate limits', () => {
  let gateway;
  before(async () => {
    gateway = await startGateway({
      env: {
        Realtime__Auth__JwtSecret: SECRET,
        Realtime__Auth__ClockSkewSeconds: '0',
        Realtime__Limits__MessagesPerSecond: String(RATE),
      },
    });
  });
  after(async () => {
    closeClients();
    await gateway?.stop();
  });
  afterEach(() => closeClients());

  it('a burst over the rate is refused with rate_limited and retryAfterMs; waiting that long works again', async () => {
    const channel = uniqueChannel('sdk.rate');
    const rt = client(gateway.baseUrl, { user: 'rate-user' });
    await rt.connect();
    const results = await Promise.allSettled(Array.from({ length: RATE * 4 }, (_, n) => rt.publish(channel, { n })));
    const refused = results.filter((r) => r.status === 'rejected').map((r) => r.reason);
    assert.ok(refused.length > 0, 'a burst of four seconds worth of frames is partly refused');
    for (const error of refused) {
      assert.ok(error instanceof RealtimeError, `a RealtimeError: ${error}`);
      assert.equal(error.code, 'rate_limited');
      assert.equal(typeof error.retryAfterMs, 'number');
      assert.ok(error.retryAfterMs > 0, `retryAfterMs is positive: ${error.retryAfterMs}`);
    }
    assert.equal(rt.state, 'connected', 'a burst keeps the connection open');

    // Honour the hint (a bounded number of times: the bucket refills at its rate, not at our schedule).
    let retryAfter = Math.max(...refused.map((e) => e.retryAfterMs));
    for (let attempt = 1; ; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, retryAfter));
      try {
        const ack = await rt.publish(channel, { after: true });
        assert.equal(typeof ack.offset, 'number');
        break;
      } catch (error) {
        if (error.code !== 'rate_limited' || attempt >= 10) throw error;
        retryAfter = error.retryAfterMs;
      }
    }
  });

  it('getToken() is called before each connection: a token_expired close is followed by a fresh token and recovery', async () => {
    const channel = uniqueChannel('sdk.token');
    const issued = [];
    const getToken = async () => {
      // The first token lives two seconds; the ones after it long enough for the test.
      const t = token(SECRET, 'token-user', issued.length === 0 ? 2 : 300, { role: 'admin' });
      issued.push(t);
      return t;
    };
    const rt = client(gateway.baseUrl, { getToken });
    const messages = new Collector();
    const expired = nextEvent(rt, 'disconnected', (d) => d.code === 'token_expired', 'the token_expired close', 30_000);
    await rt.subscribe(channel, messages.push);
    assert.equal(rt.userId, 'token-user');
    await gateway.publishMany(channel, 3);
    await messages.until(3, 'messages on the first token');

    const info = await expired;
    assert.equal(info.willReconnect, true);
    await gateway.publishMany(channel, 3);
    await withTimeout(new Promise((resolve) => (rt.state === 'connected' ? resolve() : rt.on('connected', resolve))), 'the reconnection');
    assert.ok(issued.length >= 2, `getToken was called again for the reconnection (${issued.length} calls)`);
    await gateway.publish(channel, { sentinel: true });
    await messages.until(7, 'the messages missed while expired, and a live one');
    assertOffsets(messages, 1, 7, 'across the token refresh');
  });

  it('a token the gateway refuses never connects: every transport fails and connect() rejects once attempts run out', async () => {
    const errors = [];
    const rt = client(gateway.baseUrl, { token: token('x'.repeat(64), 'mallory', 300), reconnect: { initialDelayMs: 1, maxAttempts: 1 } });
    rt.on('error', (e) => errors.push(e));
    await assert.rejects(rt.connect(), (e) => e instanceof RealtimeError && e.code === 'transport');
    assert.equal(rt.state, 'closed');
    assert.ok(errors.some((e) => /polling: .*401/.test(e.message)), `the polling handshake says 401: ${errors.map((e) => e.message).join(' | ')}`);
  });
});
