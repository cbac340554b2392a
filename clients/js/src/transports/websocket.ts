import type { ClientFrame } from '../frames.js';
import { buildUrl, parseFrames, type Transport, type TransportContext, type TransportEvents } from './transport.js';

/**
 * `GET /ws`: one JSON frame per text message. The token travels as the subprotocol `access_token.<jwt>` (browsers
 * cannot set headers on a WebSocket, and a query string ends up in access logs).
 */
export function openWebSocket(context: TransportContext, events: TransportEvents): Transport {
  const Ctor = context.WebSocket;
  if (!Ctor) throw new Error('no WebSocket implementation (pass options.WebSocket, e.g. the ws package, on Node.js < 22)');
  const url = buildUrl(context.baseUrl.replace(/^http/, 'ws'), '/ws', context.query);
  const socket = new Ctor(url, context.token ? [`access_token.${context.token}`] : undefined);
  let closed = false;
  const finish = (close: { code?: number; reason?: string; error?: unknown }) => {
    if (closed) return;
    closed = true;
    detach();
    events.onClose(close);
  };
  const detach = () => {
    socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
  };
  socket.onmessage = (event) => {
    if (typeof event.data !== 'string') return; // the protocol is text; binary is never sent by the server
    let frames;
    try {
      frames = parseFrames(event.data);
    } catch (error) {
      finish({ error });
      socket.close(1002, 'unreadable frame');
      return;
    }
    for (const frame of frames) {
      if (closed) return;
      events.onFrame(frame);
    }
  };
  socket.onclose = (event) => finish({ code: event.code, reason: event.reason });
  // An error is always followed by close in browsers; some Node implementations report only the error.
  socket.onerror = (event) => {
    if (socket.readyState === 3 /* CLOSED */) finish({ error: event?.error ?? event });
  };

  return {
    name: 'websocket',
    send(frames: ClientFrame[]) {
      if (closed || socket.readyState !== 1 /* OPEN */) return;
      socket.send(JSON.stringify(frames.length === 1 ? frames[0] : frames));
    },
    close() {
      if (closed) return;
      closed = true;
      detach();
      try {
        socket.close(1000, 'client closed');
      } catch {
        // already closing
      }
    },
  };
}
