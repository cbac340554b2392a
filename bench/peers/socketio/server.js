'use strict';
// The Socket.IO 4 comparison peer of bench/ (not part of the product): rooms are channels.
//
//   node server.js --port P [--redis 127.0.0.1:6379]
//
// Client → server events (each answered through its acknowledgement callback):
//   subscribe(channel)          joins the room `channel`
//   publish(channel, payload)   emits `m` with `payload` to everyone in the room `channel`
// GET /health/ready answers 200 once the server listens (and, with --redis, the adapter's clients are connected).
//
// With --redis the server uses the official Redis adapter, so several processes (nodes) share the rooms: an emit on
// one node reaches the members of the room on every node. Without it, one node alone with the in-memory adapter.

const http = require('node:http');
const { Server } = require('socket.io');

function option(name) {
  const index = process.argv.indexOf(name);
  return index > 0 && index + 1 < process.argv.length ? process.argv[index + 1] : undefined;
}

async function main() {
  const port = Number(option('--port'));
  if (!Number.isInteger(port) || port <= 0) {
    console.error('usage: node server.js --port P [--redis HOST:PORT]');
    process.exit(2);
  }

  const httpServer = http.createServer((request, response) => {
    // socket.io answers its own path (/socket.io/) before this handler runs.
    response.writeHead(request.url === '/health/ready' ? 200 : 404, { 'content-type': 'text/plain' });
    response.end(request.url === '/health/ready' ? 'ready' : 'not found');
  });

  // WebSocket only, as the bench's clients connect: no long-polling handshake first.
  const io = new Server(httpServer, { transports: ['websocket'], serveClient: false });

  const redis = option('--redis');
  if (redis) {
    const { createClient } = require('redis');
    const { createAdapter } = require('@socket.io/redis-adapter');
    const pubClient = createClient({ url: `redis://${redis}` });
    const subClient = pubClient.duplicate();
    pubClient.on('error', (error) => console.error('redis pub client:', error.message));
    subClient.on('error', (error) => console.error('redis sub client:', error.message));
    await Promise.all([pubClient.connect(), subClient.connect()]);
    io.adapter(createAdapter(pubClient, subClient));
  }

  io.on('connection', (socket) => {
    socket.on('subscribe', (channel, ack) => {
      socket.join(String(channel));
      if (typeof ack === 'function') ack({ channel });
    });
    socket.on('publish', (channel, payload, ack) => {
      io.to(String(channel)).emit('m', payload);
      if (typeof ack === 'function') ack({});
    });
  });

  httpServer.listen(port, '127.0.0.1', () => {
    console.log(`socket.io peer listening on 127.0.0.1:${port}${redis ? ` with the Redis adapter at ${redis}` : ''}`);
  });

  const stop = () => {
    io.close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
