// WebSocket transport (GET /ws) with the `ws` package: welcome, ordered delivery, recovery, batching, bad input.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startGateway, uniqueChannel, assertConsecutive, assertNoOtherMessages, withTimeout } from './harness.js';
import { WsClient } from './clients.js';

describe('WebSocket transport with the ws package', () => {
  let gateway;
  const clients = [];
  const connect = async (query, options) => {
    const client = await WsClient.connect(gateway, query, options);
    clients.push(client);
    return client;
  };

  before(async () => {
    gateway = await startGateway();
  });

  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await gateway?.stop();
  });

  it('welcomes the client with its connection id, user id and transport', async () => {
    const client = await connect('user=alice');
    const welcome = client.welcome;
    assert.equal(welcome.type, 'welcome');
    assert.equal(welcome.transport, 'websocket');
    assert.equal(welcome.userId, 'alice');
    assert.equal(typeof welcome.connectionId, 'string');
    assert.ok(welcome.connectionId.length >= 16, `connection id '${welcome.connectionId}' looks guessable`);
    assert.equal(typeof welcome.gateway, 'string');
    assert.equal(typeof welcome.heartbeat, 'number');

    const other = await connect('user=alice');
    assert.notEqual(other.welcome.connectionId, welcome.connectionId, 'two connections must get different ids');
  });

  it('delivers 200 messages published by another client in offset order without gaps', async () => {
    const channel = uniqueChannel('ws.order');
    const subscriber = await connect('user=sub');
    const publisher = await connect('user=pub');

    const ack = await subscriber.subscribe(channel);
    assert.equal(ack.type, 'ack', JSON.stringify(ack));
    assert.equal(ack.channel, channel);
    assert.equal(ack.offset, 0, 'a fresh channel is at offset 0');
    assert.equal(typeof ack.epoch, 'string');

    // Pipelined: every publish is sent before any answer is awaited; one connection's publishes keep their order.
    const answers = [];
    for (let n = 1; n <= 200; n++) answers.push(publisher.request({ type: 'publish', channel, data: { n } }));
    const acks = await Promise.all(answers);
    assert.deepEqual(acks.map((a) => a.type), Array(200).fill('ack'));
    assert.deepEqual(acks.map((a) => a.offset), Array.from({ length: 200 }, (_, i) => i + 1), 'publish acks carry offsets in send order');

    const messages = await subscriber.inbox.messages(channel, 200);
    assertConsecutive(messages, channel, 1, 200);
    assert.deepEqual(messages.map((m) => m.data.n), Array.from({ length: 200 }, (_, i) => i + 1));
    assert.ok(messages.every((m) => m.from === 'pub' && m.epoch === ack.epoch && m.priority === 'normal' && typeof m.ts === 'string'));

    // A sentinel published after everything else proves nothing more (no duplicate) was queued before it.
    await gateway.publish(channel, { sentinel: true });
    const [sentinel] = await subscriber.inbox.messages(channel, 1);
    assert.equal(sentinel.offset, 201);
    assertNoOtherMessages(subscriber.inbox, channel);
  });

  it('recovers with since after a reconnect: no gap and no duplicate at the seam', async () => {
    const channel = uniqueChannel('ws.recover');
    const first = await connect('user=r');
    const ack = await first.subscribe(channel);
    await gateway.publishMany(channel, 5);
    const seen = await first.inbox.messages(channel, 5);
    assertConsecutive(seen, channel, 1, 5);
    await first.close();

    // Missed while disconnected.
    await gateway.publishMany(channel, 7);

    // Live publishing goes on while the new connection resubscribes, so the replay/live seam is exercised.
    const second = await connect('user=r');
    const live = gateway.publishMany(channel, 30, 'live');
    const recovered = await second.subscribe(channel, { offset: 5, epoch: ack.epoch });
    assert.equal(recovered.type, 'ack', JSON.stringify(recovered));
    assert.equal(recovered.recovered, true, `ack must say recovered: ${JSON.stringify(recovered)}`);
    assert.equal(recovered.epoch, ack.epoch);
    await live;

    const after = await second.inbox.messages(channel, 37);
    assertConsecutive(after, channel, 6, 37);
    await gateway.publish(channel, { sentinel: true });
    assert.equal((await second.inbox.messages(channel, 1))[0].offset, 43);
    assertNoOtherMessages(second.inbox, channel);
  });

  it('answers a stale epoch with recovered:false, the current epoch, and no replay', async () => {
    const channel = uniqueChannel('ws.epoch');
    await gateway.publishMany(channel, 3);
    const client = await connect();
    const ack = await client.subscribe(channel, { offset: 1, epoch: 'not-the-epoch' });
    assert.equal(ack.type, 'ack', JSON.stringify(ack));
    assert.equal(ack.recovered, false);
    assert.notEqual(ack.epoch, 'not-the-epoch');
    assert.equal(ack.offset, 3);
    await gateway.publish(channel, { live: true });
    const [message] = await client.inbox.messages(channel, 1);
    assert.equal(message.offset, 4, 'nothing may be replayed after a stale-epoch ack');
  });

  it('sends JSON arrays of frames with ?batch=true', async () => {
    const channel = uniqueChannel('ws.batch');
    const client = await connect('batch=true');
    assert.equal(client.welcome.transport, 'websocket');
    await client.subscribe(channel);
    await gateway.publishMany(channel, 50);
    const messages = await client.inbox.messages(channel, 50);
    assertConsecutive(messages, channel, 1, 50);
    assert.equal(client.singles, 0, 'every server message must be a JSON array with ?batch=true');
    assert.ok(client.batches.length >= 1);
    assert.ok(client.batches.every((b) => b.length >= 1), 'no empty batches');
  });

  it('answers malformed JSON with bad_request without an id and keeps the connection open', async () => {
    const client = await connect();
    client.send('{"id":1,"type":"subscribe",');
    const error = await client.inbox.frame('error');
    assert.equal(error.code, 'bad_request');
    assert.equal(error.id, undefined, 'malformed JSON cannot echo an id');

    client.send({ id: 'still-open', type: 'ping' });
    const pong = await client.inbox.frame('pong', 'still-open');
    assert.equal(pong.id, 'still-open');
  });

  it('answers an unknown frame type and a missing channel with bad_request carrying the id', async () => {
    const client = await connect();
    const unknown = await client.request({ type: 'teleport', channel: 'x' });
    assert.equal(unknown.type, 'error');
    assert.equal(unknown.code, 'bad_request');

    const missing = await client.request({ type: 'subscribe' });
    assert.equal(missing.type, 'error');
    assert.equal(missing.code, 'bad_request');

    const invalid = await client.request({ type: 'publish', channel: 'a b', data: 1 });
    assert.equal(invalid.code, 'bad_request');

    const priority = await client.request({ type: 'publish', channel: uniqueChannel(), data: 1, priority: 'urgent' });
    assert.equal(priority.code, 'bad_request', 'an unknown priority is bad_request');

    const ok = await client.subscribe(uniqueChannel());
    assert.equal(ok.type, 'ack', 'the connection stays usable after bad frames');
  });

  it('is closed with 4010 closed_by_admin by the admin API', async () => {
    const client = await connect();
    await gateway.dropConnection(client.welcome.connectionId);
    const { code, reason } = await withTimeout(client.closed, 'the connection to close after DELETE /api/connections/{id}');
    assert.equal(code, 4010);
    assert.equal(reason, 'closed_by_admin');
    const again = await gateway.request('DELETE', `/api/connections/${client.welcome.connectionId}`);
    assert.equal(again.status, 404, 'a closed connection is gone');
  });

  it('closes with 1009 on a frame over the 64 KiB default limit', async () => {
    const client = await connect();
    client.send({ type: 'publish', channel: uniqueChannel(), data: 'x'.repeat(70 * 1024) });
    const { code } = await withTimeout(client.closed, 'the server to close the connection after an oversized frame');
    assert.equal(code, 1009);
  });
});

describe('WebSocket heartbeats', () => {
  let gateway;
  const clients = [];

  before(async () => {
    gateway = await startGateway({ env: { Realtime__Limits__HeartbeatSeconds: '1', Realtime__Limits__PongTimeoutSeconds: '1' } });
  });

  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await gateway?.stop();
  });

  it('keeps a client that answers pings and closes one that does not', async () => {
    const live = await WsClient.connect(gateway, '', { answerPings: true });
    const silent = await WsClient.connect(gateway, '', { answerPings: false });
    clients.push(live, silent);

    const { code, reason } = await withTimeout(silent.closed, 'the server to close a client that never answers pings', 15_000);
    assert.equal(code, 4009, `close reason: ${reason}`);

    // The live client has answered pings all along (at least three by now) and is still served.
    await live.inbox.take(3, (f) => f.type === 'ping', 'three server pings');
    live.send({ id: 'alive', type: 'ping' });
    await live.inbox.frame('pong', 'alive');
  });
});

describe('WebSocket recovery beyond the history', () => {
  let gateway;
  const clients = [];

  before(async () => {
    gateway = await startGateway({ env: { Realtime__History__Size: '10' } });
  });

  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await gateway?.stop();
  });

  it('answers recovered:false and replays nothing when the history no longer holds the position', async () => {
    const channel = uniqueChannel('ws.lost');
    const { epoch } = await gateway.publishMany(channel, 25);
    const client = await WsClient.connect(gateway);
    clients.push(client);

    const ack = await client.subscribe(channel, { offset: 5, epoch });
    assert.equal(ack.type, 'ack', JSON.stringify(ack));
    assert.equal(ack.recovered, false, `offsets 6..15 are gone from a 10-message history: ${JSON.stringify(ack)}`);
    assert.equal(ack.offset, 25);
    await gateway.publish(channel, { live: true });
    const [message] = await client.inbox.messages(channel, 1);
    assert.equal(message.offset, 26, 'the client must resync: nothing is replayed after recovered:false');

    const history = await client.request({ type: 'history', channel, since: { offset: 0, epoch } });
    assert.deepEqual(history.messages.map((m) => m.offset), Array.from({ length: 10 }, (_, i) => 17 + i), 'the history keeps the last 10');
  });

  it('follows a durable stream: event frames in offset order, then recovery with since', async () => {
    const stream = uniqueChannel('ws.stream');
    await gateway.request('POST', '/api/streams', { body: { name: stream, type: 'event', flushIntervalMs: 0 }, expectStatus: 201 });
    const reader = await WsClient.connect(gateway, 'user=reader');
    clients.push(reader);
    const ack = await reader.request({ type: 'subscribe', stream });
    assert.equal(ack.type, 'ack', JSON.stringify(ack));
    assert.equal(ack.stream, stream);
    assert.equal(ack.offset, 0, 'a new stream is at offset 0');

    const batch = Array.from({ length: 50 }, (_, i) => ({ event: 'tick', data: { n: i + 1 } }));
    await gateway.request('POST', `/api/streams/${stream}/events`, { body: batch, expectStatus: 200 });
    const isEvent = (f) => f?.type === 'event' && f.stream === stream;
    const events = await reader.inbox.take(50, isEvent, `50 events on stream '${stream}'`);
    assert.deepEqual(events.map((e) => e.offset), Array.from({ length: 50 }, (_, i) => i + 1));
    assert.deepEqual(events.map((e) => e.data.n), Array.from({ length: 50 }, (_, i) => i + 1));
    assert.ok(events.every((e) => e.event === 'tick' && e.epoch === ack.epoch), 'every event names the event and the stream\'s epoch');

    const late = await WsClient.connect(gateway, 'user=late');
    clients.push(late);
    const resumed = await late.request({ type: 'subscribe', stream, since: { offset: 45, epoch: ack.epoch } });
    assert.equal(resumed.recovered, true, JSON.stringify(resumed));
    const replayed = await late.inbox.take(5, isEvent, 'the 5 events after offset 45');
    assert.deepEqual(replayed.map((e) => e.offset), [46, 47, 48, 49, 50]);
  });
});
