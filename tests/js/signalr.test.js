// SignalR hub (/hub) with the official @microsoft/signalr client in Node, forced onto each transport in turn: the same
// tests for WebSockets, ServerSentEvents and LongPolling.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startGateway, uniqueChannel, assertConsecutive, assertNoOtherMessages } from './harness.js';
import { SignalRClient, SIGNALR_TRANSPORTS } from './clients.js';

let gateway;
before(async () => {
  gateway = await startGateway();
});
after(async () => {
  await gateway?.stop();
});

for (const [name, transport] of Object.entries(SIGNALR_TRANSPORTS)) {
  describe(`SignalR hub over ${name}`, () => {
    const clients = [];
    const connect = async (query) => {
      const client = await SignalRClient.connect(gateway, transport, query);
      clients.push(client);
      return client;
    };

    after(async () => {
      await Promise.allSettled(clients.map((c) => c.stop()));
    });

    it('sends welcome through the frame method', async () => {
      const client = await connect('user=hubert');
      assert.equal(client.welcome.type, 'welcome');
      assert.equal(client.welcome.transport, 'signalr');
      assert.equal(client.welcome.userId, 'hubert');
      assert.equal(typeof client.welcome.connectionId, 'string');
    });

    it('answers Subscribe and Publish with ack objects and delivers messages in order', async () => {
      const channel = uniqueChannel(`hub.${name.toLowerCase()}`);
      const subscriber = await connect('user=s');
      const publisher = await connect('user=p');

      const ack = await subscriber.invoke('Subscribe', { channel });
      assert.equal(ack.type, 'ack', JSON.stringify(ack));
      assert.equal(ack.channel, channel);
      assert.equal(ack.offset, 0);
      assert.equal(typeof ack.epoch, 'string');

      // Invoked without awaiting each: one client's invocations are handled in order.
      const results = await Promise.all(
        Array.from({ length: 100 }, (_, i) => publisher.invoke('Publish', { channel, data: { n: i + 1 }, priority: 'low' })),
      );
      assert.deepEqual(results.map((r) => r.type), Array(100).fill('ack'), JSON.stringify(results.find((r) => r.type !== 'ack')));
      assert.deepEqual(results.map((r) => r.offset), Array.from({ length: 100 }, (_, i) => i + 1));
      assert.ok(results.every((r) => r.channel === channel && r.epoch === ack.epoch));

      const messages = await subscriber.inbox.messages(channel, 100);
      assertConsecutive(messages, channel, 1, 100);
      assert.deepEqual(messages.map((m) => m.data.n), Array.from({ length: 100 }, (_, i) => i + 1));
      assert.ok(messages.every((m) => m.from === 'p' && m.priority === 'low'));

      await gateway.publish(channel, { sentinel: true });
      assert.equal((await subscriber.inbox.messages(channel, 1))[0].offset, 101);
      assertNoOtherMessages(subscriber.inbox, channel);

      const unsubscribed = await subscriber.invoke('Unsubscribe', { channel });
      assert.equal(unsubscribed.type, 'ack', JSON.stringify(unsubscribed));
    });

    it('reads History and recovers with since', async () => {
      const channel = uniqueChannel('hub.history');
      const { epoch } = await gateway.publishMany(channel, 12);
      const client = await connect();

      const page = await client.invoke('History', { channel, since: { offset: 2, epoch }, limit: 5 });
      assert.equal(page.type, 'ack', JSON.stringify(page));
      assert.equal(page.offset, 12);
      assert.equal(page.epoch, epoch);
      assert.deepEqual(page.messages.map((m) => m.offset), [3, 4, 5, 6, 7]);
      assert.equal(page.more, true);
      assert.ok(page.messages.every((m) => m.type === 'message' && m.channel === channel));

      // Live publishing goes on while the subscription recovers: no gap and no duplicate at the seam.
      const live = gateway.publishMany(channel, 20, 'live');
      const recovered = await client.invoke('Subscribe', { channel, since: { offset: 9, epoch } });
      assert.equal(recovered.type, 'ack', JSON.stringify(recovered));
      assert.equal(recovered.recovered, true);
      await live;
      assertConsecutive(await client.inbox.messages(channel, 23), channel, 10, 23);
      await gateway.publish(channel, { sentinel: true });
      assert.equal((await client.inbox.messages(channel, 1))[0].offset, 33);
      assertNoOtherMessages(client.inbox, channel);
    });

    it('answers invalid arguments with a bad_request error result and stays usable', async () => {
      const client = await connect();
      const invalid = await client.invoke('Subscribe', { channel: 'a b' });
      assert.equal(invalid.type, 'error', JSON.stringify(invalid));
      assert.equal(invalid.code, 'bad_request');
      assert.equal(typeof invalid.message, 'string');

      const missing = await client.invoke('Publish', { data: 1 });
      assert.equal(missing.type, 'error', JSON.stringify(missing));
      assert.equal(missing.code, 'bad_request');

      const pong = await client.invoke('Ping', {});
      assert.ok(pong?.type === 'pong' || pong?.type === 'ack', `Ping answers pong: ${JSON.stringify(pong)}`);

      const ok = await client.invoke('Subscribe', { channel: uniqueChannel() });
      assert.equal(ok.type, 'ack', 'the connection is still usable');
    });
  });
}
