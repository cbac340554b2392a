// The SDK against the real gateway (embedded silo, anonymous access, free loopback port): requests answered by id,
// typed errors, ordered delivery on every transport, rooms/presence/direct, transport fallback when a transport is
// refused or buffered, and recovery after the network drops without a gap or a duplicate.
import { describe, it, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { RealtimeError } from '../dist/realtime.js';
import { startGateway, uniqueChannel, client, closeClients, Collector, assertOffsets, nextEvent, Proxy, range } from './helpers.js';

const TRANSPORTS = ['websocket', 'sse', 'polling'];

describe('RealtimeClient against the gateway', () => {
  let gateway;
  before(async () => {
    gateway = await startGateway();
  });
  after(async () => {
    closeClients();
    await gateway?.stop();
  });
  afterEach(() => closeClients());

  for (const transport of TRANSPORTS) {
    it(`${transport}: publish is acknowledged with its offset and subscribers get every message in order`, async () => {
      const channel = uniqueChannel(`sdk.${transport}`);
      const rt = client(gateway.baseUrl, { transports: [transport] });
      const chosen = nextEvent(rt, 'transport');
      const messages = new Collector();
      const ack = await rt.subscribe(channel, messages.push);
      assert.equal(await chosen, transport);
      assert.equal(rt.transport, transport);
      assert.equal(ack.offset, 0, 'a new channel starts at offset 0');

      const acks = await Promise.all(range(1, 25).map((n) => rt.publish(channel, { n })));
      assert.deepEqual(acks.map((a) => a.offset).sort((a, b) => a - b), range(1, 25), 'one offset per publish');
      await messages.until(25, `25 messages over ${transport}`);
      assertOffsets(messages, 1, 25, transport);
      assert.deepEqual(messages.items.map((m) => m.data.n).sort((a, b) => a - b), range(1, 25));
      assert.equal(rt.debugStats().pending, 0, 'every request was answered');
    });
  }

  it('rejects refused requests with a RealtimeError carrying the protocol code, and keeps the connection', async () => {
    const rt = client(gateway.baseUrl);
    await rt.connect();
    await assert.rejects(rt.publish('not a channel', { x: 1 }), (error) => error instanceof RealtimeError && error.code === 'bad_request');
    await assert.rejects(rt.subscribe('bad name', () => {}), (error) => error instanceof RealtimeError && error.code === 'bad_request');
    assert.equal(rt.debugStats().subscriptions, 0, 'a refused subscription is dropped');
    await assert.rejects(rt.request({ type: 'no.such.frame' }), (error) => error.code === 'bad_request');
    assert.equal(rt.state, 'connected');
    const channel = uniqueChannel('sdk.after-errors');
    assert.equal((await rt.publish(channel, 1)).offset, 1, 'the connection still works');
  });

  it('reads history pages', async () => {
    const channel = uniqueChannel('sdk.history');
    await gateway.publishMany(channel, 5);
    const rt = client(gateway.baseUrl);
    const page = await rt.history(channel, { limit: 3 });
    assert.deepEqual(page.messages.map((m) => m.offset), [1, 2, 3]);
    assert.equal(page.more, true);
    const rest = await rt.history(channel, { since: { offset: 3, epoch: page.epoch } });
    assert.deepEqual(rest.messages.map((m) => m.offset), [4, 5]);
  });

  it('rooms: members with presence, room messages, presence changes and direct messages', async () => {
    const room = uniqueChannel('sdk.room');
    const alice = client(gateway.baseUrl, { user: 'alice-sdk' });
    const bob = client(gateway.baseUrl, { user: 'bob-sdk' });
    const aliceEvents = new Collector();
    await alice.join(room, aliceEvents.push);
    assert.deepEqual(alice.members(room).map((m) => m.user), ['alice-sdk']);

    const joined = nextEvent(alice, 'presence', (p) => p.room === room && p.user === 'bob-sdk' && p.status === 'join');
    const ack = await bob.join(room);
    assert.deepEqual(ack.members.map((m) => m.user).sort(), ['alice-sdk', 'bob-sdk']);
    await joined;
    assert.deepEqual(alice.members(room).map((m) => m.user).sort(), ['alice-sdk', 'bob-sdk']);

    const away = nextEvent(alice, 'presence', (p) => p.room === room && p.user === 'bob-sdk' && p.status === 'away');
    await bob.setPresence('away', { typing: true });
    await away;
    assert.equal(alice.members(room).find((m) => m.user === 'bob-sdk').status, 'away');
    assert.deepEqual((await alice.getPresence(['bob-sdk']))[0].state, { typing: true });

    const said = nextEvent(alice, 'frame', (f) => f.type === 'room' && f.room === room, 'the room message');
    await bob.sendToRoom(room, 'chat.message', { text: 'hi' });
    await said;
    const last = aliceEvents.items.at(-1);
    assert.equal(last.type, 'room', 'the room message reached the join handler');
    assert.deepEqual(last.data, { text: 'hi' });
    const offsets = aliceEvents.offsets;
    assert.deepEqual(offsets, range(offsets[0], offsets.at(-1)), 'room records arrive in offset order without gaps');

    const direct = nextEvent(bob, 'direct');
    const sent = await alice.direct('bob-sdk', { text: 'psst' });
    assert.equal(sent.online, true);
    assert.deepEqual((await direct).data, { text: 'psst' });

    const left = nextEvent(alice, 'presence', (p) => p.room === room && p.user === 'bob-sdk' && p.status === 'leave');
    await bob.leave(room);
    await left;
    assert.deepEqual(alice.members(room).map((m) => m.user), ['alice-sdk']);
  });

  for (const transport of TRANSPORTS) {
    it(`${transport}: after the network drops, resumes every subscription without a gap or a duplicate`, async () => {
      const proxy = await Proxy.start(gateway.port);
      try {
        const channel = uniqueChannel(`sdk.drop.${transport}`);
        const other = uniqueChannel(`sdk.drop2.${transport}`);
        const rt = client(proxy.url, { transports: [transport] });
        const messages = new Collector();
        const others = new Collector();
        await rt.subscribe(channel, messages.push);
        await rt.subscribe(other, others.push);
        await gateway.publishMany(channel, 10);
        await messages.until(10, 'messages before the drop');

        proxy.refuse('*'); // the network is down: the drop is noticed, reconnecting fails until it is back
        const down = nextEvent(rt, 'disconnected');
        proxy.cut();
        assert.equal((await down).willReconnect, true);
        await gateway.publishMany(channel, 10);
        await gateway.publishMany(other, 3);
        const back = nextEvent(rt, 'connected');
        proxy.allowAll();
        await back;

        await gateway.publish(channel, { sentinel: true });
        await messages.until(21, 'the missed and the live messages');
        await others.until(3, 'the other channel');
        assertOffsets(messages, 1, 21, 'across the drop');
        assertOffsets(others, 1, 3, 'the other channel across the drop');
        if (transport === 'sse') {
          const resumed = proxy.requests.filter((r) => r.startsWith('GET /sse?') && r.includes('lastEventId='));
          assert.ok(resumed.length >= 1, `the SSE reconnection carries the resume token: ${proxy.requests.join(', ')}`);
        }
        assert.equal(rt.debugStats().pending, 0);
      } finally {
        await proxy.stop();
      }
    });
  }

  for (const transport of TRANSPORTS) {
    it(`${transport}: follows a durable stream live and resumes it after the network drops, without a gap or a duplicate`, async () => {
      const stream = uniqueChannel(`sdk.stream.${transport}`);
      await gateway.request('POST', '/api/streams', { body: { name: stream, type: 'event', flushIntervalMs: 0 }, expectStatus: 201 });
      const append = (from, to) =>
        gateway.request('POST', `/api/streams/${stream}/events`, { body: range(from, to).map((n) => ({ event: 'tick', data: { n } })), expectStatus: 200 });
      const proxy = await Proxy.start(gateway.port);
      try {
        const rt = client(proxy.url, { transports: [transport] });
        const events = new Collector();
        const ack = await rt.subscribeStream(stream, events.push);
        assert.equal(ack.stream, stream);
        assert.equal(ack.offset, 0, 'a new stream is at offset 0');
        await append(1, 10);
        await events.until(10, `stream events over ${transport}`);

        proxy.refuse('*');
        const down = nextEvent(rt, 'disconnected');
        proxy.cut();
        await down;
        await append(11, 20);
        const back = nextEvent(rt, 'connected');
        proxy.allowAll();
        await back;
        await append(21, 21);

        await events.until(21, 'the missed and the live events');
        assertOffsets(events, 1, 21, `stream over ${transport} across the drop`);
        assert.deepEqual(events.items.map((e) => e.data.n), range(1, 21), 'each event carries its own data, in order');
        assert.ok(events.items.every((e) => e.event === 'tick' && e.epoch === ack.epoch), 'every event names its event and the stream epoch');
      } finally {
        await proxy.stop();
      }
    });
  }

  it('polling: a poll lost on the way is asked again with the same cursor, on the same connection', async () => {
    const proxy = await Proxy.start(gateway.port);
    try {
      const channel = uniqueChannel('sdk.cursor');
      const rt = client(proxy.url, { transports: ['polling'] });
      const messages = new Collector();
      await rt.subscribe(channel, messages.push);
      const connectionId = rt.connectionId;
      let drops = 0;
      rt.on('disconnected', () => drops++);
      await gateway.publishMany(channel, 5);
      await messages.until(5, 'messages before the cut');
      proxy.cut(); // the waiting poll's answer is lost; the network itself still works
      await gateway.publishMany(channel, 5);
      await messages.until(10, 'messages after the cut');
      assertOffsets(messages, 1, 10, 'across the lost poll');
      assert.equal(rt.connectionId, connectionId, 'the same polling connection goes on');
      assert.equal(drops, 0, 'no reconnection was needed');
    } finally {
      await proxy.stop();
    }
  });

  it('falls back to SSE when WebSocket upgrades are refused, and to polling when the SSE stream is buffered', async () => {
    const proxy = await Proxy.start(gateway.port);
    try {
      proxy.refuse('websocket');
      const channel = uniqueChannel('sdk.fallback');
      const rt = client(proxy.url, { handshakeTimeoutMs: 3_000 });
      const messages = new Collector();
      const transports = [];
      rt.on('transport', (t) => transports.push(t));
      await rt.subscribe(channel, messages.push);
      assert.equal(rt.transport, 'sse', 'a refused upgrade makes it try SSE');
      await gateway.publishMany(channel, 5);
      await messages.until(5, 'messages over SSE');

      // A proxy that buffers event streams: the SSE request is accepted but nothing ever comes back.
      proxy.hold('/sse');
      const polling = nextEvent(rt, 'connected', (c) => c.transport === 'polling');
      proxy.cut();
      await polling;
      await gateway.publishMany(channel, 5);
      await messages.until(10, 'messages over polling');
      assertOffsets(messages, 1, 10, 'across the fallback');
      assert.deepEqual(transports, ['sse', 'polling']);
    } finally {
      await proxy.stop();
    }
  });

  it('reconnect() moves to a new connection at once and resumes', async () => {
    const channel = uniqueChannel('sdk.reconnect');
    const rt = client(gateway.baseUrl);
    const messages = new Collector();
    await rt.subscribe(channel, messages.push);
    const first = rt.connectionId;
    await gateway.publishMany(channel, 3);
    const again = nextEvent(rt, 'connected');
    rt.reconnect();
    const second = await again;
    assert.notEqual(second.connectionId, first);
    await gateway.publishMany(channel, 3);
    await messages.until(6, 'messages after reconnect()');
    assertOffsets(messages, 1, 6, 'across reconnect()');
  });

  it('a server-side close that says not to come back closes the client and rejects its pending work', async () => {
    const rt = client(gateway.baseUrl);
    await rt.connect();
    const gone = nextEvent(rt, 'disconnected');
    await gateway.dropConnection(rt.connectionId);
    const info = await gone;
    assert.equal(info.code, 'closed_by_admin');
    assert.equal(info.willReconnect, false);
    assert.equal(rt.state, 'closed');
    await assert.rejects(rt.publish(uniqueChannel('x'), 1), (e) => e.code === 'closed');
    assert.deepEqual(rt.debugStats(), { pending: 0, outbox: 0, timers: 0, subscriptions: 0, listeners: 0 });
  });
});
