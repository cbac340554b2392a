export { RealtimeClient } from './client.js';
export type {
  Ack,
  ConnectedInfo,
  ConnectionState,
  DisconnectedInfo,
  HistoryPage,
  RealtimeClientOptions,
  RealtimeEvents,
  ResyncInfo,
} from './client.js';
export { RealtimeError } from './errors.js';
export type { ErrorCode } from './errors.js';
export { backoffDelay } from './backoff.js';
export type { ReconnectOptions } from './backoff.js';
export type {
  ClientFrame,
  DirectFrame,
  Member,
  MessageFrame,
  Position,
  PresenceFrame,
  PresenceStatus,
  Priority,
  RoomFrame,
  ServerFrame,
  StreamEventFrame,
  TransportName,
  WelcomeFrame,
} from './frames.js';
export type { EventSourceConstructor, WebSocketConstructor } from './transports/transport.js';
