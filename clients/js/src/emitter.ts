/** A minimal typed event emitter: no dependency on Node's `events` or the DOM's `EventTarget`. */
export class Emitter<Events extends { [K in keyof Events]: (...args: any[]) => void }> {
  #listeners = new Map<keyof Events, Set<Events[keyof Events]>>();

  /** Adds a listener; returns a function that removes it. */
  on<K extends keyof Events>(event: K, listener: Events[K]): () => void {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => this.off(event, listener);
  }

  off<K extends keyof Events>(event: K, listener: Events[K]): void {
    const set = this.#listeners.get(event);
    if (set?.delete(listener) && set.size === 0) this.#listeners.delete(event);
  }

  /** How many listeners are registered (for one event, or in all). */
  listenerCount(event?: keyof Events): number {
    if (event !== undefined) return this.#listeners.get(event)?.size ?? 0;
    let n = 0;
    for (const set of this.#listeners.values()) n += set.size;
    return n;
  }

  protected emit<K extends keyof Events>(event: K, ...args: Parameters<Events[K]>): void {
    const set = this.#listeners.get(event);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        (listener as (...a: unknown[]) => void)(...args);
      } catch (error) {
        // A throwing application listener must not break the client's own state machine.
        setTimeout(() => {
          throw error;
        });
      }
    }
  }
}
