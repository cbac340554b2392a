/** Reconnection timing: exponential growth from `initialDelayMs` up to `maxDelayMs`, with random jitter. */
export interface ReconnectOptions {
  /** Delay before the first retry after a failed round of transports (default 500 ms). */
  initialDelayMs?: number;
  /** The longest delay (default 10 s). */
  maxDelayMs?: number;
  /** Retry rounds (each tries every transport once) after a failed first round before the client gives up and closes (default: never). */
  maxAttempts?: number;
  /** Fraction of the delay taken away at random (0..1, default 0.5), so clients of a restarted gateway spread out. */
  jitter?: number;
}

export const RECONNECT_DEFAULTS: Required<ReconnectOptions> = {
  initialDelayMs: 500,
  maxDelayMs: 10_000,
  maxAttempts: Number.POSITIVE_INFINITY,
  jitter: 0.5,
};

/** The delay before retry number `attempt` (1-based). */
export function backoffDelay(attempt: number, options: Required<ReconnectOptions>, random: () => number = Math.random): number {
  const exponential = options.initialDelayMs * 2 ** Math.min(Math.max(attempt - 1, 0), 30);
  const capped = Math.min(options.maxDelayMs, exponential);
  const jitter = Math.min(Math.max(options.jitter, 0), 1);
  return Math.round(capped * (1 - jitter * random()));
}
