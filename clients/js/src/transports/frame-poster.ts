import type { ClientFrame } from '../frames.js';

/**
 * Client frames over plain HTTP for SSE and polling: `POST /sse/{id}` or `/poll/{id}` with a JSON array. One POST in
 * flight at a time, carrying everything queued meanwhile, so the server handles frames in the order they were sent.
 * A refused POST (the connection is gone) or a network failure ends the connection through `fail`.
 */
export class FramePoster {
  #queue: ClientFrame[] = [];
  #busy = false;
  #stopped = false;
  #abort = new AbortController();

  constructor(
    private readonly url: () => string | undefined,
    private readonly headers: Record<string, string>,
    private readonly fetchImpl: typeof fetch,
    private readonly fail: (error: unknown) => void,
  ) {}

  post(frames: ClientFrame[]): void {
    if (this.#stopped) return;
    this.#queue.push(...frames);
    void this.#pump();
  }

  stop(): void {
    this.#stopped = true;
    this.#queue.length = 0;
    this.#abort.abort();
  }

  async #pump(): Promise<void> {
    const url = this.url();
    if (this.#busy || url === undefined) return;
    this.#busy = true;
    try {
      while (this.#queue.length > 0 && !this.#stopped) {
        const batch = this.#queue.splice(0);
        // text/plain: a "simple" request, no CORS preflight unless a token header is added.
        const response = await this.fetchImpl(url, {
          method: 'POST',
          headers: { 'content-type': 'text/plain;charset=UTF-8', ...this.headers },
          body: JSON.stringify(batch),
          signal: this.#abort.signal,
        });
        if (!response.ok) throw new Error(`POST ${new URL(url).pathname} answered ${response.status}`);
        await response.body?.cancel();
      }
    } catch (error) {
      if (!this.#stopped) this.fail(error);
    } finally {
      this.#busy = false;
    }
  }

  /** Sends what was queued before the connection id was known. */
  flush(): void {
    void this.#pump();
  }
}
