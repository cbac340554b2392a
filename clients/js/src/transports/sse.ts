import type { ClientFrame } from '../frames.js';
import { FramePoster } from './frame-poster.js';
import { buildUrl, type Transport, type TransportContext, type TransportEvents } from './transport.js';

/** The event names the gateway uses: each SSE event's name is its frame's type. */
const FRAME_TYPES = ['welcome', 'ack', 'error', 'message', 'room', 'presence', 'direct', 'event', 'pong', 'close', 'ping'];

/**
 * `GET /sse` as an EventSource, client frames by `POST /sse/{connectionId}`. The EventSource is never left to
 * reconnect on its own (that would open a new connection behind the client's back): any error ends this
 * connection, and the client reconnects with `?lastEventId=` (the resume token of the last event received), so
 * the server resumes every channel the token names.
 */
export function openSse(context: TransportContext, events: TransportEvents): Transport {
  const Ctor = context.EventSource;
  if (!Ctor) throw new Error('no EventSource implementation (pass options.EventSource, e.g. the eventsource package, on Node.js)');
  let connectionId: string | undefined;
  let lastEventId = context.lastEventId;
  let closed = false;

  const url = buildUrl(context.baseUrl, '/sse', {
    ...context.query,
    // EventSource cannot set headers: the token and the resume token go in the query.
    access_token: context.token,
    lastEventId: context.lastEventId,
  });
  const source = new Ctor(url);
  const poster = new FramePoster(
    () => (connectionId === undefined ? undefined : `${context.baseUrl}/sse/${encodeURIComponent(connectionId)}`),
    context.token ? { authorization: `Bearer ${context.token}` } : {},
    context.fetch,
    (error) => finish({ error }),
  );

  const finish = (close: { code?: number; reason?: string; error?: unknown }) => {
    if (closed) return;
    closed = true;
    source.onerror = null;
    source.close();
    poster.stop();
    events.onClose(close);
  };

  const onEvent = (event: { data: string; lastEventId?: string }) => {
    if (closed) return;
    let frame;
    try {
      frame = JSON.parse(event.data);
    } catch (error) {
      finish({ error });
      return;
    }
    if (event.lastEventId) lastEventId = event.lastEventId;
    if (frame?.type === 'welcome') {
      connectionId = frame.connectionId;
      poster.flush();
    }
    events.onFrame(frame);
  };
  for (const type of FRAME_TYPES) source.addEventListener(type, onEvent);
  source.onerror = (event) => finish({ error: event?.error ?? new Error('the event stream failed') });

  return {
    name: 'sse',
    get lastEventId() {
      return lastEventId;
    },
    send(frames: ClientFrame[]) {
      poster.post(frames);
    },
    close() {
      if (closed) return;
      closed = true;
      source.onerror = null;
      source.close();
      poster.stop();
    },
  };
}
