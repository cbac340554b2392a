/**
 * Wire error codes (PROTOCOL.md) plus the few the client itself raises: `timeout` (no answer in time),
 * `disconnected` (the connection dropped while a request was in flight), `closed` (the client was closed),
 * `transport` (no transport could connect).
 */
export type ErrorCode =
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'rate_limited'
  | 'too_large'
  | 'limit_exceeded'
  | 'unavailable'
  | 'internal'
  | 'timeout'
  | 'disconnected'
  | 'closed'
  | 'transport';

/** An error answered by the server (an `error` frame or a refused handshake) or raised by the client; `code` says which. */
export class RealtimeError extends Error {
  readonly code: ErrorCode | string;
  /** Set for `rate_limited`: how long to wait before sending again. */
  readonly retryAfterMs?: number;
  /** The `error` frame, when the server sent one. */
  readonly frame?: Record<string, unknown>;

  constructor(code: ErrorCode | string, message: string, details: { retryAfterMs?: number; frame?: Record<string, unknown> } = {}) {
    super(message);
    this.name = 'RealtimeError';
    this.code = code;
    if (details.retryAfterMs !== undefined) this.retryAfterMs = details.retryAfterMs;
    if (details.frame !== undefined) this.frame = details.frame;
  }

  /** The error an `error` frame stands for. */
  static fromFrame(frame: Record<string, unknown>): RealtimeError {
    const retry = typeof frame.retryAfterMs === 'number' ? frame.retryAfterMs : undefined;
    return new RealtimeError(String(frame.code ?? 'internal'), String(frame.message ?? frame.code ?? 'error'), { retryAfterMs: retry, frame });
  }
}
