import type { ClientFrame, Member, Position, ServerFrame } from './frames.js';

export type SubscriptionKind = 'channel' | 'pattern' | 'room' | 'stream';

/** What the client keeps per subscription (channel, pattern, room or stream) so it can resume it on any connection. */
export interface Subscription {
  readonly kind: SubscriptionKind;
  readonly name: string;
  readonly filter?: Record<string, unknown>;
  /** The last offset delivered to the application (per channel for a pattern, see `channels`). */
  position?: Position;
  /** Pattern subscriptions: the last position per matching channel, for de-duplication. */
  readonly channels: Map<string, Position>;
  /** Rooms: the current members with their presence. */
  readonly members: Map<string, Member>;
  readonly deliver: (frame: ServerFrame) => void;
  /** The connection (serial) its subscribe frame went out on; 0 while it still has to be sent. */
  sentOn: number;
  /** Whether some connection has acknowledged it (a later ack without recovery means a possible gap). */
  acknowledged: boolean;
  readonly ready: { resolve: (ack: ServerFrame) => void; reject: (error: Error) => void; settled: boolean };
}

export function subscriptionKey(kind: SubscriptionKind, name: string): string {
  return `${kind}:${name}`;
}

/** The frame that (re)starts a subscription, with `since` where the kind supports it and a position is known. */
export function subscribeFrame(sub: Subscription): ClientFrame {
  const since = sub.position ? { since: { offset: sub.position.offset, ...(sub.position.epoch !== undefined && { epoch: sub.position.epoch }) } } : {};
  const filter = sub.filter ? { filter: sub.filter } : {};
  switch (sub.kind) {
    case 'channel':
      return { type: 'subscribe', channel: sub.name, ...filter, ...since };
    case 'pattern':
      return { type: 'subscribe', pattern: sub.name, ...filter };
    case 'room':
      return { type: 'join', room: sub.name, ...since };
    case 'stream':
      return { type: 'subscribe', stream: sub.name, ...since };
  }
}

/** The frame that ends a subscription. */
export function unsubscribeFrame(sub: Pick<Subscription, 'kind' | 'name'>): ClientFrame {
  switch (sub.kind) {
    case 'channel':
      return { type: 'unsubscribe', channel: sub.name };
    case 'pattern':
      return { type: 'unsubscribe', pattern: sub.name };
    case 'room':
      return { type: 'leave', room: sub.name };
    case 'stream':
      return { type: 'unsubscribe', stream: sub.name };
  }
}

/**
 * Whether a sequenced frame (message, room record, stream event) was delivered already: an offset at or below the
 * position within the same epoch (a replay overlapping live delivery, or a resumed transport sending again). Such
 * frames are dropped, so the application never sees a duplicate. Frames without an offset are never duplicates.
 */
export function isDuplicate(position: Position | undefined, frame: { readonly [field: string]: unknown }): boolean {
  if (position === undefined || typeof frame.offset !== 'number') return false;
  const epoch = typeof frame.epoch === 'string' ? frame.epoch : undefined;
  const sameEpoch = epoch === undefined || position.epoch === undefined || position.epoch === epoch;
  return sameEpoch && frame.offset <= position.offset;
}

/** The position after delivering `frame` (unchanged for a frame without an offset). */
export function positionAfter(position: Position | undefined, frame: { readonly [field: string]: unknown }): Position | undefined {
  if (typeof frame.offset !== 'number') return position;
  const epoch = typeof frame.epoch === 'string' ? frame.epoch : position?.epoch;
  return epoch === undefined ? { offset: frame.offset } : { offset: frame.offset, epoch };
}
