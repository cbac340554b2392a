// Thin Node.js clients over the official packages (ws, eventsource, @microsoft/signalr) and plain fetch for long
// polling. Each puts what the server sends into an Inbox, so tests await frames by type, id or channel.
import WebSocket from 'ws';
import { EventSource } from 'eventsource';
import * as signalR from '@microsoft/signalr';
import { Inbox, WAIT_MS, withTimeout } from './harness.js';

/** Every server frame type of PROTOCOL.md: the SSE event names a client listens for. */
export const SERVER_FRAME_TYPES = ['welcome', 'ack', 'error', 'message', 'room', 'presence', 'direct', 'event', 'ping', 'pong', 'close'];

/**
 * A WebSocket connection to `/ws` with the `ws` package. Answers server pings with pong like a real client;
 * `batches` keeps each received array when the server batches (`?batch=true`); `singles` counts messages that were not.
 */
export class WsClient {
  inbox = new Inbox();
  batches = [];
  singles = 0;
  #nextId = 1;

  static async connect(gateway, query = '', { answerPings = true } = {}) {
    const client = new WsClient(`${gateway.wsUrl}/ws${query ? `?${query}` : ''}`, { answerPings });
    await withTimeout(client.opened, `the WebSocket to ${client.url} to open`);
    client.welcome = await client.inbox.frame('welcome');
    return client;
  }

  constructor(url, { answerPings = true } = {}) {
    this.url = url;
    this.socket = new WebSocket(url);
    this.opened = new Promise((resolve, reject) => {
      this.socket.once('open', resolve);
      this.socket.once('error', reject);
    });
    this.closed = new Promise((resolve) => {
      this.socket.once('close', (code, reason) => {
        this.inbox.end(`the WebSocket closed (${code} ${reason})`);
        resolve({ code, reason: reason.toString() });
      });
    });
    this.socket.on('error', () => {}); // reported through 'close'
    this.socket.on('message', (data, isBinary) => {
      const text = data.toString();
      let parsed;
      try {
        parsed = JSON.parse(text);
      } catch {
        this.inbox.push({ type: '__unparsable', text, isBinary });
        return;
      }
      const frames = Array.isArray(parsed) ? parsed : [parsed];
      if (Array.isArray(parsed)) this.batches.push(parsed);
      else this.singles++;
      for (const frame of frames) {
        if (frame?.type === 'ping' && answerPings) this.send({ type: 'pong' });
        this.inbox.push(frame);
      }
    });
  }

  send(frame) {
    this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Sends `frame` with a fresh id and waits for its answer (ack or error). */
  async request(frame, ms = WAIT_MS) {
    const id = this.#nextId++;
    this.send({ id, ...frame });
    return this.inbox.answer(id, ms);
  }

  async subscribe(channel, since) {
    return this.request(since ? { type: 'subscribe', channel, since } : { type: 'subscribe', channel });
  }

  close() {
    if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING) this.socket.terminate();
    return this.closed;
  }
}

/**
 * An SSE connection with the `eventsource` package (which reconnects by itself, sending Last-Event-ID). Every event
 * becomes a frame in `inbox`, with `_eventId` (the `id:` token) and `_event` (the event name) added; `lastEventId`
 * is what the client will send back on its next reconnection. Every HTTP
 * request the client makes is recorded in `requests` (an Inbox of `{n, url, lastEventId}`); `holdReconnects()` keeps
 * its reconnection requests waiting until the returned function is called, so a test decides what happens while the
 * client is disconnected.
 */
export class SseClient {
  inbox = new Inbox();
  requests = new Inbox();
  requestCount = 0;
  #hold = null;
  #release = () => {};

  static async connect(gateway, query = '', path = '/sse') {
    const client = new SseClient(gateway, `${gateway.baseUrl}${path}${query ? `?${query}` : ''}`);
    client.welcome = await client.inbox.frame('welcome');
    return client;
  }

  constructor(gateway, url) {
    this.gateway = gateway;
    this.url = url;
    this.source = new EventSource(url, { fetch: (input, init) => this.#fetch(input, init) });
    this.source.addEventListener('error', () => {}); // reconnecting is the client's own business
    for (const type of SERVER_FRAME_TYPES) {
      this.source.addEventListener(type, (event) => {
        if (typeof event.data !== 'string') return; // a failed connection's 'error' event, not a server frame
        let frame;
        try {
          frame = JSON.parse(event.data);
        } catch {
          frame = { type: '__unparsable', text: event.data };
        }
        if (event.lastEventId) this.lastEventId = event.lastEventId;
        this.inbox.push({ ...frame, _event: event.type, _eventId: event.lastEventId });
      });
    }
  }

  async #fetch(input, init) {
    const n = ++this.requestCount;
    const lastEventId = new Headers(init?.headers).get('last-event-id');
    this.requests.push({ n, url: String(input), lastEventId });
    if (n > 1 && this.#hold) await this.#hold;
    return fetch(input, init);
  }

  /** Holds every later (re)connection request until the returned function is called. */
  holdReconnects() {
    this.#hold = new Promise((resolve) => {
      this.#release = () => {
        this.#hold = null;
        resolve();
      };
    });
    return this.#release;
  }

  get connectionId() {
    return this.welcome.connectionId;
  }

  /** POSTs one frame or an array of frames to `/sse/{connectionId}`. */
  post(frames, connectionId = this.connectionId) {
    return this.gateway.request('POST', `/sse/${encodeURIComponent(connectionId)}`, { body: frames });
  }

  close() {
    this.source.close();
    this.#release();
  }
}

/**
 * A long-polling connection with plain fetch: `open()` POSTs /poll, `poll(cursor, timeout)` GETs frames, `post()`
 * sends frames. Keeps no cursor itself: tests decide what to send back.
 */
export class PollClient {
  constructor(gateway) {
    this.gateway = gateway;
  }

  static async open(gateway, query = '') {
    const client = new PollClient(gateway);
    const answer = await gateway.request('POST', `/poll${query ? `?${query}` : ''}`);
    if (answer.status !== 200) throw new Error(`POST /poll answered ${answer.status}: ${answer.text}`);
    client.welcome = answer.json;
    return client;
  }

  get connectionId() {
    return this.welcome.connectionId;
  }

  post(frames, connectionId = this.connectionId) {
    return this.gateway.request('POST', `/poll/${encodeURIComponent(connectionId)}`, { body: frames });
  }

  async poll(cursor, timeoutSeconds = 5, connectionId = this.connectionId) {
    const answer = await this.gateway.request('GET', `/poll/${encodeURIComponent(connectionId)}?cursor=${cursor}&timeout=${timeoutSeconds}`, {
      ms: timeoutSeconds * 1000 + WAIT_MS,
    });
    if (answer.status !== 200) throw new Error(`GET /poll/${connectionId}?cursor=${cursor} answered ${answer.status}: ${answer.text}`);
    return answer.json;
  }

  /**
   * Polls (confirming each answer's cursor) until `predicate` has matched `count` frames; returns every frame
   * received and the last cursor.
   */
  async pollUntil(cursor, count, predicate, what, ms = WAIT_MS) {
    const deadline = Date.now() + ms;
    const frames = [];
    let matched = 0;
    while (matched < count) {
      if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms polling for ${what} (${matched} of ${count})`);
      const answer = await this.poll(cursor, 2);
      cursor = answer.cursor;
      for (const frame of answer.frames) {
        frames.push(frame);
        if (predicate(frame)) matched++;
      }
    }
    return { frames, cursor };
  }
}

export const SIGNALR_TRANSPORTS = {
  WebSockets: signalR.HttpTransportType.WebSockets,
  ServerSentEvents: signalR.HttpTransportType.ServerSentEvents,
  LongPolling: signalR.HttpTransportType.LongPolling,
};

/** A SignalR hub connection to `/hub` forced onto one transport; `frame` calls land in `inbox`. */
export class SignalRClient {
  inbox = new Inbox();

  static async connect(gateway, transport, query = '') {
    const client = new SignalRClient();
    client.connection = new signalR.HubConnectionBuilder()
      .withUrl(`${gateway.baseUrl}/hub${query ? `?${query}` : ''}`, { transport })
      .configureLogging(signalR.LogLevel.None)
      .build();
    client.connection.on('frame', (frame) => client.inbox.push(frame));
    client.closed = new Promise((resolve) => {
      client.connection.onclose((error) => {
        client.inbox.end(`the SignalR connection closed${error ? ` (${error.message})` : ''}`);
        resolve(error);
      });
    });
    await withTimeout(client.connection.start(), `the SignalR connection (${signalR.HttpTransportType[transport]}) to start`);
    client.welcome = await client.inbox.frame('welcome');
    return client;
  }

  invoke(method, arg, ms = WAIT_MS) {
    return withTimeout(this.connection.invoke(method, arg), `the result of hub method ${method}(${JSON.stringify(arg)})`, ms);
  }

  async stop() {
    await withTimeout(this.connection.stop(), 'the SignalR connection to stop');
  }
}
