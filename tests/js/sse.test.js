// Server-Sent Events transport (GET /sse, POST /sse/{id}) with the `eventsource` package, which reconnects by itself
// with Last-Event-ID as browsers do.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startGateway, uniqueChannel, assertConsecutive, assertNoOtherMessages, assertProblem } from './harness.js';
import { SseClient } from './clients.js';

describe('SSE transport with the eventsource package', () => {
  let gateway;
  const clients = [];
  const connect = async (query, path) => {
    const client = await SseClient.connect(gateway, query, path);
    clients.push(client);
    return client;
  };

  before(async () => {
    gateway = await startGateway();
  });

  after(async () => {
    for (const client of clients) client.close();
    await gateway?.stop();
  });

  it('welcomes first, then acks each channel of ?subscribe=', async () => {
    const a = uniqueChannel('sse.a');
    const b = uniqueChannel('sse.b');
    await gateway.publishMany(b, 2);
    const client = await connect(`subscribe=${a},${b}&user=sally`);
    assert.equal(client.welcome.transport, 'sse');
    assert.equal(client.welcome.userId, 'sally');
    assert.equal(client.welcome._event, 'welcome', 'the SSE event name is the frame type');
    assert.equal(typeof client.welcome.connectionId, 'string');

    const ackA = await client.inbox.next((f) => f.type === 'ack' && f.channel === a, `the ack of '${a}'`);
    const ackB = await client.inbox.next((f) => f.type === 'ack' && f.channel === b, `the ack of '${b}'`);
    assert.equal(ackA.offset, 0);
    assert.equal(ackB.offset, 2);
    assert.equal(ackA._event, 'ack');
    assert.equal(typeof ackB.epoch, 'string');
  });

  it('answers an invalid name in ?subscribe= with an error event and still subscribes the others', async () => {
    const good = uniqueChannel('sse.good');
    const client = await connect(`subscribe=${good},a%20b`);
    const ack = await client.inbox.next((f) => f.type === 'ack' && f.channel === good, `the ack of '${good}'`);
    assert.equal(ack.offset, 0);
    const error = await client.inbox.frame('error');
    assert.equal(error.code, 'bad_request');
    await gateway.publish(good, 'still served');
    assert.equal((await client.inbox.messages(good, 1))[0].data, 'still served');
  });

  it('serves the /events alias', async () => {
    const client = await connect('', '/events');
    assert.equal(client.welcome.transport, 'sse');
  });

  it('delivers messages in order, each event carrying an id: resume token', async () => {
    const channel = uniqueChannel('sse.order');
    const client = await connect(`subscribe=${channel}`);
    await client.inbox.next((f) => f.type === 'ack' && f.channel === channel, 'the subscribe ack');
    await gateway.publishMany(channel, 100);
    const messages = await client.inbox.messages(channel, 100);
    assertConsecutive(messages, channel, 1, 100);
    assert.deepEqual(messages.map((m) => m.data.n), Array.from({ length: 100 }, (_, i) => i + 1));
    assert.ok(messages.every((m) => m._event === 'message'), 'event name is message');
    const ids = messages.map((m) => m._eventId);
    assert.ok(ids.every((id) => typeof id === 'string' && id.length > 0), 'every message event has an id:');
    assert.equal(new Set(ids).size, ids.length, 'each message event has its own resume token');
  });

  it('answers frames POSTed to /sse/{connectionId} on the stream', async () => {
    const channel = uniqueChannel('sse.post');
    const client = await connect('user=poster');

    const subscribe = await client.post({ id: 1, type: 'subscribe', channel });
    assert.equal(subscribe.status, 202, subscribe.text);
    const ack = await client.inbox.answer(1);
    assert.equal(ack.type, 'ack', JSON.stringify(ack));
    assert.equal(ack.channel, channel);

    // An array of frames is handled in order: both publishes are acked with consecutive offsets.
    const publish = await client.post([
      { id: 'p1', type: 'publish', channel, data: { n: 1 } },
      { id: 'p2', type: 'publish', channel, data: { n: 2 }, priority: 'high' },
    ]);
    assert.equal(publish.status, 202, publish.text);
    assert.equal((await client.inbox.answer('p1')).offset, 1);
    assert.equal((await client.inbox.answer('p2')).offset, 2);
    const messages = await client.inbox.messages(channel, 2);
    assertConsecutive(messages, channel, 1, 2);
    assert.equal(messages[0].from, 'poster');
    assert.equal(messages[1].priority, 'high');

    await client.post({ id: 'h', type: 'history', channel, since: { offset: 0, epoch: ack.epoch }, limit: 1 });
    const history = await client.inbox.answer('h');
    assert.equal(history.type, 'ack', JSON.stringify(history));
    assert.deepEqual(history.messages.map((m) => m.offset), [1]);
    assert.equal(history.more, true);

    await client.post({ id: 'pp', type: 'ping' });
    await client.inbox.frame('pong', 'pp');
  });

  it('resumes every subscription exactly once after a server-side drop, by Last-Event-ID', async () => {
    const fromUrl = uniqueChannel('sse.url');
    const fromPost = uniqueChannel('sse.posted');
    const client = await connect(`subscribe=${fromUrl}&user=resumer`);
    await client.inbox.next((f) => f.type === 'ack' && f.channel === fromUrl, 'the ack of the ?subscribe= channel');
    assert.equal((await client.post({ id: 'b', type: 'subscribe', channel: fromPost })).status, 202);
    assert.equal((await client.inbox.answer('b')).type, 'ack');

    await gateway.publishMany(fromUrl, 3);
    await gateway.publishMany(fromPost, 3);
    assertConsecutive(await client.inbox.messages(fromUrl, 3), fromUrl, 1, 3);
    assertConsecutive(await client.inbox.messages(fromPost, 3), fromPost, 1, 3);
    const resumeFrom = client.lastEventId;
    assert.ok(resumeFrom, 'the client must have a Last-Event-ID to send');

    // Keep the client's reconnection waiting while messages are published, so they are certainly missed live.
    const release = client.holdReconnects();
    await gateway.dropConnection(client.connectionId);
    const close = await client.inbox.frame('close');
    assert.equal(close.code, 'closed_by_admin');

    const reconnect = await client.requests.next((r) => r.n === 2, 'the eventsource client to reconnect by itself');
    assert.equal(reconnect.lastEventId, client.lastEventId, 'the reconnection sends the last event id it saw');
    assert.ok(reconnect.lastEventId, 'the reconnection carries Last-Event-ID');
    assert.equal(new URL(reconnect.url).search, new URL(client.url).search, 'the reconnection repeats the original URL');

    await gateway.publishMany(fromUrl, 150);
    await gateway.publishMany(fromPost, 4);
    // Live publishing goes on while the client reconnects, so the replay/live seam is exercised too.
    const live = gateway.publishMany(fromPost, 30, 'live');
    release();
    await live;

    assertConsecutive(await client.inbox.messages(fromUrl, 150), fromUrl, 4, 150);
    assertConsecutive(await client.inbox.messages(fromPost, 34), fromPost, 4, 34);
    for (const channel of [fromUrl, fromPost]) {
      const ack = await client.inbox.next((f) => f.type === 'ack' && f.channel === channel, `the resumed ack of '${channel}'`);
      assert.equal(ack.recovered, true, `resumed from the token: ${JSON.stringify(ack)}`);
    }

    // The reconnection is a new connection: welcomed again, reachable by POST under its new id; the old id is gone.
    const rewelcome = await client.inbox.frame('welcome');
    assert.notEqual(rewelcome.connectionId, client.connectionId);
    assert.equal((await client.post({ id: 'after', type: 'ping' }, rewelcome.connectionId)).status, 202);
    await client.inbox.frame('pong', 'after');
    assert.equal((await client.post({ type: 'ping' }, client.connectionId)).status, 404, 'the dropped connection id is gone');

    // Live again after the missed ones; a sentinel on each channel proves nothing was delivered twice.
    await gateway.publish(fromUrl, { sentinel: true });
    await gateway.publish(fromPost, { sentinel: true });
    assert.equal((await client.inbox.messages(fromUrl, 1))[0].offset, 154);
    assert.equal((await client.inbox.messages(fromPost, 1))[0].offset, 38);
    assertNoOtherMessages(client.inbox, fromUrl);
    assertNoOtherMessages(client.inbox, fromPost);
    assert.notEqual(resumeFrom, client.lastEventId, 'the resume token moved on');
  });

  it('rejects a malformed POST body with a bad_request problem or error event', async () => {
    const client = await connect();
    const answer = await client.post('{"type":"subscribe",');
    if (answer.status === 202) {
      const error = await client.inbox.frame('error');
      assert.equal(error.code, 'bad_request');
    } else {
      assertProblem(answer, 'bad_request', 'POST /sse/{id} with malformed JSON');
    }
    // Still usable.
    await client.post({ id: 'ok', type: 'ping' });
    await client.inbox.frame('pong', 'ok');
  });

  it('answers 404 for an unknown connection id', async () => {
    const answer = await gateway.request('POST', '/sse/c-no-such-connection-0123456789abcdef', { body: { type: 'ping' } });
    assert.equal(answer.status, 404, answer.text);
    if (answer.json) assert.equal(answer.json.code, 'not_found');
  });
});
