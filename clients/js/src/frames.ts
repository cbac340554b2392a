/** Frames on the wire (PROTOCOL.md). Server frames are plain JSON objects; only the fields the client reads are typed. */

/** A position in a channel, room or stream: the last offset seen within an epoch. */
export interface Position {
  offset: number;
  epoch?: string;
}

export type Priority = 'low' | 'normal' | 'high';
export type PresenceStatus = 'online' | 'away' | 'busy' | 'offline';
export type TransportName = 'websocket' | 'sse' | 'polling';

export interface ClientFrame {
  type: string;
  id?: number;
  [field: string]: unknown;
}

export interface ServerFrame {
  type: string;
  id?: number | string;
  [field: string]: unknown;
}

export interface WelcomeFrame extends ServerFrame {
  type: 'welcome';
  connectionId: string;
  userId?: string;
  gateway?: string;
  heartbeat?: number;
  transport?: string;
}

export interface MessageFrame extends ServerFrame {
  type: 'message';
  channel: string;
  pattern?: string;
  offset: number;
  epoch: string;
  data: unknown;
  from?: string;
  ts?: string;
  priority?: Priority;
}

export interface RoomFrame extends ServerFrame {
  type: 'room';
  room: string;
  offset: number;
  epoch: string;
  event: string;
  data: unknown;
  from?: string;
  ts?: string;
}

export interface PresenceFrame extends ServerFrame {
  type: 'presence';
  room?: string;
  offset?: number;
  epoch?: string;
  user: string;
  status: string;
  lastSeen?: string;
  state?: unknown;
}

export interface DirectFrame extends ServerFrame {
  type: 'direct';
  from?: string;
  data: unknown;
  ts?: string;
  offset?: number;
}

export interface StreamEventFrame extends ServerFrame {
  type: 'event';
  stream: string;
  offset: number;
  epoch?: string;
  event?: string;
  data: unknown;
  ts?: string;
}

export interface Member {
  user: string;
  status: PresenceStatus | string;
  lastSeen?: string;
  state?: unknown;
}
