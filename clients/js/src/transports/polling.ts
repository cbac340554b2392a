import type { ClientFrame, ServerFrame } from '../frames.js';
import { FramePoster } from './frame-poster.js';
import { buildUrl, type Transport, type TransportContext, type TransportEvents } from './transport.js';

/** How often a failed poll is repeated with the same cursor before the connection counts as lost. */
const POLL_RETRIES = 2;

/**
 * Long polling: `POST /poll` opens (its answer is the welcome frame), `GET /poll/{id}?cursor=N` waits for frames,
 * `POST /poll/{id}` carries client frames. A poll that fails on the way is asked again with the same cursor, so a
 * lost answer is sent again (the transport's own resumption); a `404` means the connection is gone.
 */
export function openPolling(context: TransportContext, events: TransportEvents): Transport {
  const headers: Record<string, string> = context.token ? { authorization: `Bearer ${context.token}` } : {};
  const abort = new AbortController();
  let connectionId: string | undefined;
  let closed = false;

  const base = () => `${context.baseUrl}/poll/${encodeURIComponent(connectionId ?? '')}`;
  const poster = new FramePoster(() => (connectionId === undefined ? undefined : base()), headers, context.fetch, (error) => finish({ error }));

  const finish = (close: { code?: number; reason?: string; error?: unknown }) => {
    if (closed) return;
    closed = true;
    abort.abort();
    poster.stop();
    events.onClose(close);
  };

  const deliver = (frames: ServerFrame[]) => {
    for (const frame of frames) {
      if (closed) return;
      events.onFrame(frame);
    }
  };

  const run = async () => {
    const open = await context.fetch(buildUrl(context.baseUrl, '/poll', context.query), { method: 'POST', headers, signal: abort.signal });
    if (!open.ok) throw new Error(`POST /poll answered ${open.status}: ${await open.text()}`);
    const welcome = (await open.json()) as ServerFrame;
    connectionId = String(welcome.connectionId);
    deliver([welcome]);
    poster.flush();
    let cursor = 0;
    let failures = 0;
    while (!closed) {
      let answer: { cursor: number; frames: ServerFrame[] };
      try {
        const response = await context.fetch(`${base()}?cursor=${cursor}`, { headers, signal: abort.signal, cache: 'no-store' });
        if (response.status === 404) {
          await response.body?.cancel();
          finish({ reason: 'the polling connection is gone' });
          return;
        }
        if (!response.ok) throw new Error(`GET /poll answered ${response.status}`);
        answer = await response.json();
        failures = 0;
      } catch (error) {
        if (closed) return;
        if (++failures > POLL_RETRIES) throw error;
        continue; // the same cursor again: the server resends what this answer carried
      }
      cursor = answer.cursor;
      deliver(answer.frames);
    }
  };
  run().catch((error) => finish({ error }));

  return {
    name: 'polling',
    send(frames: ClientFrame[]) {
      poster.post(frames);
    },
    close() {
      if (closed) return;
      closed = true;
      abort.abort();
      poster.stop();
    },
  };
}
