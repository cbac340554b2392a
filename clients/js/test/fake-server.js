// A scripted stand-in for the gateway's WebSocket endpoint, for what the real gateway cannot be made to do on demand
// (thousands of drops, a lost history, stream subscriptions before the server supports them). `script(socket, frame)`
// answers each client frame; the server itself sends the welcome.
import { WebSocketServer } from 'ws';

export class FakeGateway {
  #server;
  connections = 0;
  /** Every client frame received, in order, with the connection number it came on. */
  received = [];

  /** `record: false` keeps no `received` log (a long run must not measure the fake's own memory). */
  static async start(script, { record = true } = {}) {
    const fake = new FakeGateway(script, record);
    await new Promise((resolve, reject) => {
      fake.#server.once('listening', resolve).once('error', reject);
    });
    return fake;
  }

  constructor(script, record) {
    this.#server = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/ws' });
    this.#server.on('connection', (socket) => {
      const connection = ++this.connections;
      const send = (frame) => socket.send(JSON.stringify(frame));
      send({ type: 'welcome', connectionId: `c-fake-${connection}`, userId: 'fake', gateway: 'gw-fake', heartbeat: 25, transport: 'websocket' });
      socket.on('message', (data) => {
        const frame = JSON.parse(data.toString());
        if (record) this.received.push({ connection, frame });
        script({ connection, send, close: (code, reason) => socket.close(code, reason) }, frame);
      });
    });
  }

  get url() {
    return `http://127.0.0.1:${this.#server.address().port}`;
  }

  async stop() {
    for (const socket of this.#server.clients) socket.terminate();
    await new Promise((resolve) => this.#server.close(resolve));
  }
}
