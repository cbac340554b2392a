import type { ClientFrame, ServerFrame, TransportName } from '../frames.js';

/** Why a transport ended: a WebSocket close status and reason, or the error that broke an HTTP stream. */
export interface TransportClose {
  code?: number;
  reason?: string;
  error?: unknown;
}

/** What a transport reports to the client; it calls `onClose` exactly once. */
export interface TransportEvents {
  onFrame(frame: ServerFrame): void;
  onClose(close: TransportClose): void;
}

/** Everything a transport needs to open: where, as whom, and the environment's constructors. */
export interface TransportContext {
  /** The gateway's base URL, `http(s)://host[:port][/prefix]`, without a trailing slash. */
  baseUrl: string;
  token?: string;
  /** Extra query parameters for the handshake (e.g. `user` in anonymous mode). */
  query: Record<string, string>;
  WebSocket?: WebSocketConstructor;
  EventSource?: EventSourceConstructor;
  fetch: typeof fetch;
  /** SSE only: a resume token (`Last-Event-ID`) from the previous SSE connection. */
  lastEventId?: string;
}

/**
 * One connection over one transport: bytes to frames and back, nothing more. Subscriptions, recovery and requests
 * live in the client, so every transport gets the same semantics.
 */
export interface Transport {
  readonly name: TransportName;
  send(frames: ClientFrame[]): void;
  /** Ends the connection without reporting `onClose` (the client already knows). */
  close(): void;
  /** SSE: the latest resume token received. */
  readonly lastEventId?: string;
}

export type TransportFactory = (context: TransportContext, events: TransportEvents) => Transport;

/** The subset of the WHATWG WebSocket the client uses (browsers, Node 22+, or the `ws` package). */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((event: any) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: any) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike;

/** The subset of the WHATWG EventSource the client uses (browsers, or the `eventsource` package). */
export interface EventSourceLike {
  readonly readyState: number;
  onerror: ((event: any) => void) | null;
  addEventListener(type: string, listener: (event: { data: string; lastEventId?: string }) => void): void;
  close(): void;
}
export type EventSourceConstructor = new (url: string) => EventSourceLike;

/** `base` + `path` + the non-empty query parameters. */
export function buildUrl(base: string, path: string, query: Record<string, string | undefined>): string {
  const url = new URL(base + path);
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== '') url.searchParams.set(key, value);
  return url.toString();
}

/** Parses one received text: a frame or a JSON array of frames (WebSocket `?batch=true`, polling answers). */
export function parseFrames(text: string): ServerFrame[] {
  const value = JSON.parse(text) as unknown;
  const list = Array.isArray(value) ? value : [value];
  return list.filter((f): f is ServerFrame => typeof f === 'object' && f !== null && typeof (f as ServerFrame).type === 'string');
}
