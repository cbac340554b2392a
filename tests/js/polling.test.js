// Long-polling transport (POST /poll, POST /poll/{id}, GET /poll/{id}?cursor=) with plain fetch.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startGateway, uniqueChannel, assertConsecutive, assertProblem, withTimeout } from './harness.js';
import { PollClient } from './clients.js';

const isMessageOf = (channel) => (f) => f.type === 'message' && f.channel === channel;

describe('long-polling transport with fetch', () => {
  let gateway;

  before(async () => {
    gateway = await startGateway();
  });

  after(async () => {
    await gateway?.stop();
  });

  it('opens with the welcome frame', async () => {
    const client = await PollClient.open(gateway, 'user=paula');
    assert.equal(client.welcome.type, 'welcome');
    assert.equal(client.welcome.transport, 'polling');
    assert.equal(client.welcome.userId, 'paula');
    assert.equal(typeof client.welcome.connectionId, 'string');
    assert.equal(typeof client.welcome.heartbeat, 'number');
  });

  it('subscribes by POST and delivers messages in order through cursors', async () => {
    const channel = uniqueChannel('poll.order');
    const client = await PollClient.open(gateway, 'user=p');
    const posted = await client.post({ id: 1, type: 'subscribe', channel });
    assert.equal(posted.status, 202, posted.text);

    let { frames, cursor } = await client.pollUntil(0, 1, (f) => f.id === 1, 'the subscribe ack');
    const ack = frames.find((f) => f.id === 1);
    assert.equal(ack.type, 'ack', JSON.stringify(ack));
    assert.equal(ack.channel, channel);
    assert.equal(ack.offset, 0);
    assert.equal(typeof cursor, 'number');
    assert.ok(cursor > 0, 'the cursor moves past the frames answered');

    await gateway.publishMany(channel, 50);
    ({ frames } = await client.pollUntil(cursor, 50, isMessageOf(channel), '50 messages'));
    assertConsecutive(frames.filter(isMessageOf(channel)), channel, 1, 50);
  });

  it('subscribes at open with ?subscribe= and takes an array of frames per POST', async () => {
    const a = uniqueChannel('poll.a');
    const b = uniqueChannel('poll.b');
    const client = await PollClient.open(gateway, `subscribe=${a}`);
    let { frames, cursor } = await client.pollUntil(0, 1, (f) => f.type === 'ack' && f.channel === a, `the ack of '${a}'`);
    assert.equal(frames.find((f) => f.type === 'ack').offset, 0);

    const posted = await client.post([
      { id: 's', type: 'subscribe', channel: b },
      { id: 'p', type: 'publish', channel: b, data: 'one' },
    ]);
    assert.equal(posted.status, 202, posted.text);
    ({ frames, cursor } = await client.pollUntil(cursor, 1, isMessageOf(b), `the message on '${b}'`));
    const answers = frames.filter((f) => f.id === 's' || f.id === 'p');
    assert.deepEqual(answers.map((f) => [f.id, f.type]), [['s', 'ack'], ['p', 'ack']], 'answers come in the order of the frames');
    assert.equal(answers[1].offset, 1);
    assert.equal(frames.find(isMessageOf(b)).data, 'one');
  });

  it('resends unconfirmed frames for the same cursor and never after a newer cursor confirmed them', async () => {
    const channel = uniqueChannel('poll.resend');
    const client = await PollClient.open(gateway, `subscribe=${channel}`);
    const { cursor: c0 } = await client.pollUntil(0, 1, (f) => f.type === 'ack', 'the subscribe ack');

    await gateway.publishMany(channel, 5);
    // Asking again with c0 each time is exactly what a client does when it lost an answer.
    const first = await pollSameCursorUntil(client, c0, 5, channel);
    assertConsecutive(first.frames.filter(isMessageOf(channel)), channel, 1, 5);
    assert.ok(first.cursor > c0);

    const again = await client.poll(c0, 1);
    assert.deepEqual(again.frames.filter(isMessageOf(channel)).map((m) => m.offset), [1, 2, 3, 4, 5], 'a lost answer is sent again');
    assert.equal(again.cursor, first.cursor);

    // Confirm by sending the newer cursor; nothing is pending, so the poll times out empty with the cursor unchanged.
    const confirmed = await client.poll(first.cursor, 1);
    assert.deepEqual(confirmed.frames, []);
    assert.equal(confirmed.cursor, first.cursor);

    await gateway.publishMany(channel, 3);
    const next = await client.pollUntil(first.cursor, 3, isMessageOf(channel), 'the three newer messages');
    assertConsecutive(next.frames.filter(isMessageOf(channel)), channel, 6, 3);
    // pollUntil does not send back its last cursor: this poll confirms offsets 6..8.
    assert.deepEqual((await client.poll(next.cursor, 1)).frames, []);

    // The old cursor cannot bring back what a newer cursor confirmed.
    const stale = await gateway.request('GET', `/poll/${client.connectionId}?cursor=${c0}&timeout=1`);
    if (stale.status === 200) {
      const offsets = stale.json.frames.filter(isMessageOf(channel)).map((m) => m.offset);
      assert.ok(offsets.every((o) => o > 8), `confirmed frames came back: offsets ${offsets}`);
    } else {
      assert.ok(stale.status >= 400 && stale.status < 500, `stale cursor answered ${stale.status}: ${stale.text}`);
    }
  });

  it('answers ?timeout=1 with empty frames and the same cursor', async () => {
    const client = await PollClient.open(gateway);
    const { cursor } = await client.poll(0, 1); // whatever is pending after the welcome, confirmed below
    const started = Date.now();
    const answer = await client.poll(cursor, 1);
    const elapsed = Date.now() - started;
    assert.deepEqual(answer.frames, []);
    assert.equal(answer.cursor, cursor);
    assert.ok(elapsed >= 900, `a poll with timeout=1 came back empty after only ${elapsed} ms`);
    assert.ok(elapsed < 5_000, `a poll with timeout=1 took ${elapsed} ms`);
  });

  it('answers a waiting poll as soon as a frame arrives', async () => {
    const channel = uniqueChannel('poll.wake');
    const client = await PollClient.open(gateway, `subscribe=${channel}`);
    const { cursor } = await client.pollUntil(0, 1, (f) => f.type === 'ack', 'the subscribe ack');
    const waiting = client.poll(cursor, 20);
    await gateway.publish(channel, { wake: true });
    const answer = await withTimeout(waiting, 'a 20 s poll to answer once a message was published', 5_000);
    assert.deepEqual(answer.frames.filter(isMessageOf(channel)).map((m) => m.offset), [1]);
  });

  it('ends a connection closed by an administrator with a close frame, then 404', async () => {
    const client = await PollClient.open(gateway);
    const { cursor } = await client.poll(0, 1);
    await gateway.dropConnection(client.connectionId);
    const { frames, cursor: last } = await client.pollUntil(cursor, 1, (f) => f.type === 'close', 'the close frame');
    assert.equal(frames.at(-1).type, 'close', 'close is the last frame');
    assert.equal(frames.at(-1).code, 'closed_by_admin');
    const after = await gateway.request('GET', `/poll/${client.connectionId}?cursor=${last}&timeout=1`);
    assert.equal(after.status, 404, `a poll after the close frame was confirmed: ${after.status} ${after.text}`);
  });

  it('rejects bad cursors, unknown connections and malformed frames', async () => {
    const client = await PollClient.open(gateway);
    const id = client.connectionId;
    assertProblem(await gateway.request('GET', `/poll/${id}?cursor=abc&timeout=1`), 'bad_request', 'cursor=abc');
    assertProblem(await gateway.request('GET', `/poll/${id}?cursor=-1&timeout=1`), 'bad_request', 'cursor=-1');
    assertProblem(await gateway.request('GET', `/poll/${id}?cursor=99&timeout=1`), 'bad_request', 'a cursor ahead of what was sent');
    assertProblem(await gateway.request('GET', `/poll/${id}?cursor=0&timeout=26`), 'bad_request', 'timeout=26 (at most 25)');

    const unknownGet = await gateway.request('GET', '/poll/c-no-such-connection-0123456789abcdef?cursor=0&timeout=1');
    assert.equal(unknownGet.status, 404, unknownGet.text);
    const unknownPost = await gateway.request('POST', '/poll/c-no-such-connection-0123456789abcdef', { body: { type: 'ping' } });
    assert.equal(unknownPost.status, 404, unknownPost.text);

    let cursor = 0;
    const malformed = await client.post('{"type":');
    if (malformed.status === 202) {
      let frames;
      ({ frames, cursor } = await client.pollUntil(cursor, 1, (f) => f.type === 'error', 'the error frame'));
      assert.equal(frames.find((f) => f.type === 'error').code, 'bad_request');
    } else {
      assertProblem(malformed, 'bad_request', 'POST /poll/{id} with malformed JSON');
    }

    // The connection is still usable.
    assert.equal((await client.post({ id: 'alive', type: 'ping' })).status, 202);
    await client.pollUntil(cursor, 1, (f) => f.type === 'pong' && f.id === 'alive', 'the pong');
  });
});

/** Polls with the same cursor (never confirming) until `count` messages of `channel` are in one answer. */
async function pollSameCursorUntil(client, cursor, count, channel, ms = 15_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const answer = await client.poll(cursor, 2);
    if (answer.frames.filter(isMessageOf(channel)).length >= count) return answer;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms polling cursor ${cursor} for ${count} messages on '${channel}'`);
  }
}
