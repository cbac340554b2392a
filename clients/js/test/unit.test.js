// SDK behaviour that needs a scripted server: 1,000 reconnections without growth, `resync` when history is lost,
// and the stream helper (the gateway's live stream subscriptions are being built on another branch, so the
// `subscribe … stream` side is exercised here against a fake that speaks PROTOCOL.md's `event` frames). Also the
// pure helpers: backoff and de-duplication.
import { describe, it, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import v8 from 'node:v8';
import vm from 'node:vm';
import { backoffDelay } from '../dist/realtime.js';
import { client, closeClients, Collector, nextEvent, range, withTimeout } from './helpers.js';
import { FakeGateway } from './fake-server.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');

/** Active timers of this process (Node's own view, not the client's). */
const activeTimers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

function heapAfterGc() {
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}

describe('RealtimeClient with a scripted server', () => {
  let fake;
  afterEach(async () => {
    closeClients();
    await fake?.stop();
    fake = undefined;
  });

  it('1,000 reconnections leave no growth: timers, pending requests, listeners and heap return to their baseline', async (t) => {
    // The first reconnections warm up the JIT and the socket library's pools; growth is measured over the 1,000 after.
    const WARMUP = 1_000;
    const MEASURED = 1_000;
    const RECONNECTS = WARMUP + MEASURED;
    // Each connection acknowledges the subscription and is then dropped by the server with a reason to come back,
    // until the last one, which stays.
    fake = await FakeGateway.start(({ connection, send, close }, frame) => {
      if (frame.type === 'ping') send({ type: 'pong', id: frame.id });
      if (frame.type !== 'subscribe') return;
      send({ type: 'ack', id: frame.id, channel: frame.channel, offset: 0, epoch: 'e1', ...(frame.since && { recovered: true }) });
      if (connection <= RECONNECTS) close(4008, 'slow_consumer');
    }, { record: false });
    const timersBefore = activeTimers();
    const rt = client(fake.url, { transports: ['websocket'], reconnect: { initialDelayMs: 1, maxDelayMs: 1, jitter: 0 } });
    let connected = 0;
    let heapAtWarm;
    const done = new Promise((resolve) => {
      rt.on('connected', () => {
        connected++;
        if (connected === WARMUP + 1) heapAtWarm = heapAfterGc();
        if (connected === RECONNECTS + 1) resolve();
      });
    });
    const baseline = rt.listenerCount();
    await rt.subscribe('news', () => {});
    await withTimeout(done, `${RECONNECTS} reconnections (${connected} so far)`, 280_000);
    await rt.request({ type: 'ping' }); // answered after the last subscription's ack: nothing is in flight now
    const heapAtEnd = heapAfterGc();

    const stats = rt.debugStats();
    assert.equal(stats.pending, 0, 'no request left pending');
    assert.equal(stats.subscriptions, 1, 'one subscription, however many reconnections');
    assert.equal(rt.listenerCount(), baseline, 'no listener added by reconnecting');
    assert.ok(stats.timers <= 2, `at most the liveness check and one handshake or request timer: ${JSON.stringify(stats)}`);
    rt.close();
    assert.deepEqual(rt.debugStats().timers, 0, 'close() clears every timer');
    // The socket's own closing handshake (ws keeps a timer until the server answers the close) ends shortly after.
    await fake.stop();
    const deadline = Date.now() + 10_000;
    while (activeTimers() > timersBefore && Date.now() < deadline) await new Promise((resolve) => setImmediate(resolve));
    assert.equal(activeTimers(), timersBefore, 'no timer of the client or its socket is left in the process');
    fake = undefined;
    const growth = heapAtEnd - heapAtWarm;
    t.diagnostic(`heap after GC: ${heapAtWarm} bytes after ${WARMUP} reconnections, ${heapAtEnd} after ${MEASURED} more (${growth} bytes apart)`);
    // Keeping anything per connection (a socket, its transport, a handler) costs several KiB each; GC noise is far
    // below 1 KiB per reconnection over 1,000 of them.
    assert.ok(growth < MEASURED * 1024, `heap grew ${growth} bytes over ${MEASURED} reconnections`);
  });

  it('a resumption the server cannot recover raises resync, and delivery goes on from the new position', async () => {
    fake = await FakeGateway.start(({ connection, send, close }, frame) => {
      if (frame.type !== 'subscribe') return;
      if (connection === 1) {
        send({ type: 'ack', id: frame.id, channel: 'news', offset: 0, epoch: 'e1' });
        send({ type: 'message', channel: 'news', offset: 1, epoch: 'e1', data: 'a' });
        send({ type: 'message', channel: 'news', offset: 2, epoch: 'e1', data: 'b' });
        close(1011, 'internal');
      } else {
        // The history was lost: new epoch, nothing replayed.
        send({ type: 'ack', id: frame.id, channel: 'news', offset: 5, epoch: 'e2', recovered: false });
        send({ type: 'message', channel: 'news', offset: 6, epoch: 'e2', data: 'f' });
      }
    });
    const rt = client(fake.url, { transports: ['websocket'] });
    const messages = new Collector();
    const resync = nextEvent(rt, 'resync');
    await rt.subscribe('news', messages.push);
    assert.deepEqual(await resync, { kind: 'channel', name: 'news', offset: 5, epoch: 'e2' });
    await messages.until(3, 'messages before and after the resync');
    assert.deepEqual(messages.items.map((m) => [m.epoch, m.offset]), [['e1', 1], ['e1', 2], ['e2', 6]]);
    const resubscribe = fake.received.find((r) => r.connection === 2 && r.frame.type === 'subscribe').frame;
    assert.deepEqual(resubscribe.since, { offset: 2, epoch: 'e1' }, 'the resubscription names the last message received');
  });

  it('subscribeStream: events once each in offset order, resumed with since after a drop (fake server)', async () => {
    fake = await FakeGateway.start(({ connection, send, close }, frame) => {
      if (frame.type !== 'subscribe' || !frame.stream) return;
      const event = (offset) => send({ type: 'event', stream: frame.stream, offset, event: 'page_view', data: { offset }, ts: new Date().toISOString() });
      if (connection === 1) {
        send({ type: 'ack', id: frame.id, stream: frame.stream, offset: 0 });
        for (const offset of [1, 2, 3]) event(offset);
        close(1001, 'shutdown');
      } else {
        send({ type: 'ack', id: frame.id, stream: frame.stream, offset: 5, recovered: true });
        // A replay that overlaps what was delivered: 3 again, then the missed 4 and 5, then live 6.
        for (const offset of [3, 4, 5, 6]) event(offset);
      }
    });
    const rt = client(fake.url, { transports: ['websocket'] });
    const events = new Collector();
    await rt.subscribeStream('analytics', events.push);
    await events.until(6, 'six stream events');
    assert.deepEqual(events.offsets, range(1, 6), 'every event once, in order');
    const frames = fake.received.filter((r) => r.frame.type === 'subscribe').map((r) => r.frame);
    assert.equal(frames[0].stream, 'analytics');
    assert.equal(frames[0].since, undefined);
    assert.deepEqual(frames[1].since, { offset: 3 }, 'resumed after the last event received');
  });

  it('requests in flight when the connection drops are rejected with disconnected; later ones wait for the next connection', async () => {
    fake = await FakeGateway.start(({ connection, send, close }, frame) => {
      if (frame.type === 'publish' && connection === 1) close(1011, 'internal'); // never answered
      else if (frame.type === 'publish') send({ type: 'ack', id: frame.id, channel: frame.channel, offset: 1, epoch: 'e1' });
    });
    const rt = client(fake.url, { transports: ['websocket'] });
    await rt.connect();
    await assert.rejects(rt.publish('news', 1), (e) => e.code === 'disconnected');
    const ack = await rt.publish('news', 2);
    assert.equal(ack.offset, 1);
    assert.equal(rt.debugStats().pending, 0);
  });

  it('a request without an answer is rejected with timeout', async () => {
    fake = await FakeGateway.start(() => {});
    const rt = client(fake.url, { transports: ['websocket'], requestTimeoutMs: 200 });
    await rt.connect();
    await assert.rejects(rt.publish('news', 1), (e) => e.code === 'timeout');
    assert.equal(rt.debugStats().pending, 0);
  });
});

describe('backoffDelay', () => {
  const options = { initialDelayMs: 100, maxDelayMs: 1_000, maxAttempts: Infinity, jitter: 0.5 };
  it('doubles per attempt up to the maximum', () => {
    assert.deepEqual([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, options, () => 0)), [100, 200, 400, 800, 1000, 1000]);
  });
  it('takes away up to the jitter fraction at random', () => {
    assert.equal(backoffDelay(3, options, () => 1), 200);
    assert.equal(backoffDelay(3, options, () => 0.5), 300);
    assert.equal(backoffDelay(3, { ...options, jitter: 0 }, () => 1), 400);
  });
});
