import { backoffDelay, RECONNECT_DEFAULTS, type ReconnectOptions } from './backoff.js';
import { Emitter } from './emitter.js';
import { RealtimeError } from './errors.js';
import type {
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
import { resumeTokenChannels } from './resume-token.js';
import {
  isDuplicate,
  positionAfter,
  subscribeFrame,
  subscriptionKey,
  unsubscribeFrame,
  type Subscription,
  type SubscriptionKind,
} from './subscriptions.js';
import { openPolling } from './transports/polling.js';
import { openSse } from './transports/sse.js';
import type {
  EventSourceConstructor,
  Transport,
  TransportClose,
  TransportContext,
  TransportFactory,
  WebSocketConstructor,
} from './transports/transport.js';
import { openWebSocket } from './transports/websocket.js';

export interface RealtimeClientOptions {
  /** A JWT for the gateway. */
  token?: string;
  /** Called before every connection attempt (and so after a `token_expired` close): return a fresh token. */
  getToken?: () => string | undefined | Promise<string | undefined>;
  /** Anonymous mode only: the user id to connect as (`?user=`). */
  user?: string;
  /** Transports to try, in order (default `['websocket', 'sse', 'polling']`). */
  transports?: TransportName[];
  /** Connect in the constructor (default true); otherwise call `connect()`. */
  autoConnect?: boolean;
  /**
   * How long a transport may take to deliver the `welcome` frame before it counts as failed and the next one is tried
   * (default 10 s). For SSE this is what detects a proxy that buffers the event stream.
   */
  handshakeTimeoutMs?: number;
  /** How long a request (publish, history, …) waits for its answer (default 15 s). */
  requestTimeoutMs?: number;
  reconnect?: ReconnectOptions;
  /** WebSocket implementation (default `globalThis.WebSocket`; on Node.js < 22 pass the `ws` package). */
  WebSocket?: WebSocketConstructor;
  /** EventSource implementation (default `globalThis.EventSource`; on Node.js pass the `eventsource` package). */
  EventSource?: EventSourceConstructor;
  /** fetch implementation (default `globalThis.fetch`). */
  fetch?: typeof fetch;
}

export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'disconnected' | 'closed';

export interface ConnectedInfo {
  transport: TransportName;
  connectionId: string;
  userId?: string;
  gateway?: string;
}

export interface DisconnectedInfo {
  transport: TransportName;
  code?: number | string;
  reason?: string;
  willReconnect: boolean;
}

/** Raised when a subscription may have missed messages: its history was lost (`recovered:false`) or it cannot recover. */
export interface ResyncInfo {
  kind: SubscriptionKind;
  name: string;
  /** The subscription's new position: live delivery continues after it. */
  offset?: number;
  epoch?: string;
}

export interface RealtimeEvents {
  connecting: (info: { transport: TransportName; attempt: number }) => void;
  connected: (info: ConnectedInfo) => void;
  disconnected: (info: DisconnectedInfo) => void;
  /** The transport in use changed (also the first time one connects). */
  transport: (name: TransportName) => void;
  resync: (info: ResyncInfo) => void;
  error: (error: RealtimeError) => void;
  direct: (frame: DirectFrame) => void;
  /** Presence changes of watched users (`getPresence(…, {watch:true})`) and of room members. */
  presence: (frame: PresenceFrame) => void;
  /** Every frame received, before the client handles it (logs, dashboards). */
  frame: (frame: ServerFrame) => void;
}

export interface Ack extends ServerFrame {
  type: 'ack';
  offset?: number;
  epoch?: string;
  recovered?: boolean;
}

export interface HistoryPage {
  channel: string;
  epoch: string;
  offset: number;
  more: boolean;
  messages: MessageFrame[];
}

const TRANSPORTS: Record<TransportName, TransportFactory> = { websocket: openWebSocket, sse: openSse, polling: openPolling };

/** Close statuses / codes after which reconnecting makes no sense (PROTOCOL.md's close reasons). */
const FINAL_CLOSE_STATUSES = new Set([1008, 4001, 4010]);

interface Pending {
  resolve: (frame: ServerFrame) => void;
  reject: (error: RealtimeError) => void;
  timer: ReturnType<typeof setTimeout> | undefined;
  /** The connection serial it was sent on; 0 while it waits in the outbox. */
  sentOn: number;
}

interface SubscribeOptions {
  /** Equality filter on top-level fields of `data` (channels and patterns). */
  filter?: Record<string, unknown>;
  /** Start from a persisted position: every message after it is replayed (see `positions()`). */
  since?: Position;
}

/**
 * A connection to an OrleansRealtime gateway that survives network trouble: it picks the first transport that works
 * (WebSocket, then SSE, then long polling, in a configurable order), reconnects with jittered exponential backoff,
 * and resumes every subscription from the last offset the application received, so the application sees each
 * channel's messages once, in order, without gaps, or a `resync` event when the server can no longer fill a gap.
 *
 * Requests (publish, history, …) return promises settled by the answer with their `id`. A request that is in flight
 * when the connection drops is rejected with `disconnected` (it may or may not have been carried out: retrying a
 * publish could duplicate it, so that choice is the application's); requests made while disconnected wait for the
 * next connection. Subscriptions and room memberships are not requests: they are kept and resumed.
 */
export class RealtimeClient extends Emitter<RealtimeEvents> {
  readonly url: string;
  #options: RealtimeClientOptions;
  #reconnect: Required<ReconnectOptions>;
  #order: TransportName[];
  #state: ConnectionState = 'idle';
  #transport: Transport | undefined;
  #transportName: TransportName | undefined;
  #welcome: WelcomeFrame | undefined;
  /** Incremented per established connection; subscriptions remember the serial they were sent on. */
  #serial = 0;
  /** Incremented per connect loop, so a superseded loop (close, reconnect) stops at its next step. */
  #generation = 0;
  #nextId = 0;
  #pending = new Map<number, Pending>();
  #outbox: ClientFrame[] = [];
  #subscriptions = new Map<string, Subscription>();
  #timers = new Set<ReturnType<typeof setTimeout>>();
  #lastFrameAt = 0;
  #liveness: ReturnType<typeof setInterval> | undefined;
  /** The transport to try first: the last one that worked. */
  #preferred = 0;
  /** SSE resume token of the last SSE connection, and the channels it names. */
  #sseResume: { token: string; channels: Set<string> } | undefined;
  #lastDirect = 0;
  /** The `close` frame of the current connection, if the server sent one: it says whether to come back. */
  #closeFrame: ServerFrame | undefined;
  #connected: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];

  constructor(url: string, options: RealtimeClientOptions = {}) {
    super();
    this.url = url.replace(/\/+$/, '');
    this.#options = options;
    this.#reconnect = { ...RECONNECT_DEFAULTS, ...options.reconnect };
    this.#order = [...(options.transports ?? ['websocket', 'sse', 'polling'])];
    if (this.#order.length === 0 || this.#order.some((t) => !(t in TRANSPORTS))) {
      throw new RealtimeError('bad_request', `transports must be a non-empty list of ${Object.keys(TRANSPORTS).join(', ')}`);
    }
    if (options.autoConnect !== false) void this.connect().catch(() => {});
  }

  get state(): ConnectionState {
    return this.#state;
  }

  /** The transport of the current connection, if connected. */
  get transport(): TransportName | undefined {
    return this.#state === 'connected' ? this.#transportName : undefined;
  }

  get connectionId(): string | undefined {
    return this.#state === 'connected' ? this.#welcome?.connectionId : undefined;
  }

  get userId(): string | undefined {
    return this.#welcome?.userId;
  }

  /** Resolves when connected (at once if already); rejects when the client closes or gives up first. */
  connect(): Promise<void> {
    if (this.#state === 'connected') return Promise.resolve();
    const promise = new Promise<void>((resolve, reject) => this.#connected.push({ resolve, reject }));
    if (this.#state === 'idle' || this.#state === 'closed') {
      this.#state = 'connecting';
      void this.#connectLoop(++this.#generation, 0);
    }
    return promise;
  }

  /** Drops the current connection (if any) and connects again at once, resuming every subscription. */
  reconnect(): void {
    if (this.#state === 'closed' || this.#state === 'idle') {
      void this.connect().catch(() => {});
      return;
    }
    const transport = this.#transport;
    if (transport && this.#state === 'connected') {
      transport.close();
      this.#lost({ reason: 'reconnect requested' }, true, 0);
    } else {
      // Connecting or waiting to retry: abandon that attempt (its handshake and delay end on their own) and start over.
      this.#transport = undefined;
      transport?.close();
      void this.#connectLoop(++this.#generation, 0);
    }
  }

  /** Closes the connection for good: pending requests are rejected with `closed`; subscriptions are forgotten. */
  close(): void {
    this.#generation++;
    const transport = this.#transport;
    const wasConnected = this.#state === 'connected';
    this.#transport = undefined;
    transport?.close();
    this.#state = 'closed';
    this.#clearTimers();
    const error = new RealtimeError('closed', 'the client was closed');
    this.#rejectPending(() => true, error);
    this.#outbox.length = 0;
    for (const sub of this.#subscriptions.values()) settle(sub, undefined, error);
    this.#subscriptions.clear();
    for (const waiter of this.#connected.splice(0)) waiter.reject(error);
    if (wasConnected && this.#transportName) this.emit('disconnected', { transport: this.#transportName, reason: 'closed', willReconnect: false });
  }

  // ---- channels ----

  /**
   * Subscribes to a channel (or to a pattern such as `metrics.*` / `metrics.>`). `onMessage` gets every message once,
   * in offset order, across reconnections. Resolves with the first ack; rejects with the server's error (then the
   * subscription is dropped) or when the client is closed.
   */
  subscribe(channel: string, onMessage: (message: MessageFrame) => void, options: SubscribeOptions = {}): Promise<Ack> {
    const kind: SubscriptionKind = /(^|\.)(\*|>)(\.|$)/.test(channel) ? 'pattern' : 'channel';
    return this.#add(kind, channel, onMessage as (f: ServerFrame) => void, options);
  }

  unsubscribe(channel: string): Promise<void> {
    const kind: SubscriptionKind = this.#subscriptions.has(subscriptionKey('pattern', channel)) ? 'pattern' : 'channel';
    return this.#remove(kind, channel);
  }

  /** Publishes `data`; resolves with the message's `{offset, epoch}` once it is stored. */
  async publish(channel: string, data: unknown, options: { priority?: Priority } = {}): Promise<{ offset: number; epoch: string }> {
    const ack = await this.request({ type: 'publish', channel, data, ...(options.priority && { priority: options.priority }) });
    return { offset: ack.offset as number, epoch: ack.epoch as string };
  }

  /** A page of a channel's history after `since` (exclusive), oldest first. */
  async history(channel: string, options: { since?: Position; limit?: number } = {}): Promise<HistoryPage> {
    const ack = await this.request({ type: 'history', channel, ...(options.since && { since: options.since }), ...(options.limit && { limit: options.limit }) });
    return { channel, epoch: ack.epoch as string, offset: ack.offset as number, more: ack.more === true, messages: (ack.messages ?? []) as MessageFrame[] };
  }

  /** Every channel's, room's and stream's current position, e.g. to persist and pass back as `since` later. */
  positions(): Record<string, Position> {
    const result: Record<string, Position> = {};
    for (const [key, sub] of this.#subscriptions) if (sub.position) result[key] = { ...sub.position };
    return result;
  }

  // ---- rooms and presence ----

  /**
   * Joins a room: `onEvent` gets its messages (`room` frames) and member changes (`presence` frames) once each, in
   * the room's offset order, across reconnections. Resolves with the join ack (its `members`).
   */
  join(room: string, onEvent: (frame: RoomFrame | PresenceFrame) => void = () => {}, options: { since?: Position } = {}): Promise<Ack> {
    return this.#add('room', room, onEvent as (f: ServerFrame) => void, options);
  }

  leave(room: string): Promise<void> {
    return this.#remove('room', room);
  }

  /** Sends `data` to a joined room as `event` (default `message`); resolves with its `{offset, epoch}`. */
  async sendToRoom(room: string, event: string, data: unknown, options: { priority?: Priority } = {}): Promise<{ offset: number; epoch: string }> {
    const ack = await this.request({ type: 'room.send', room, event, data, ...(options.priority && { priority: options.priority }) });
    return { offset: ack.offset as number, epoch: ack.epoch as string };
  }

  /** The members of a joined room with their presence, as this client knows them. */
  members(room: string): Member[] {
    return [...(this.#subscriptions.get(subscriptionKey('room', room))?.members.values() ?? [])];
  }

  /** Sets this user's status (`online`, `away`, `busy`) and custom state. */
  async setPresence(status: Exclude<PresenceStatus, 'offline'>, state?: unknown): Promise<Member> {
    const ack = await this.request({ type: 'presence.set', status, ...(state !== undefined && { state }) });
    return (ack.presence as Member[])[0]!;
  }

  /** Presence of users; with `watch`, later changes arrive as `presence` events (until the connection ends). */
  async getPresence(users: string[], options: { watch?: boolean } = {}): Promise<Member[]> {
    const ack = await this.request({ type: 'presence.get', users, ...(options.watch && { watch: true }) });
    return ack.presence as Member[];
  }

  /** Sends a direct message to a user (delivered later from their inbox when offline). */
  async direct(to: string, data: unknown): Promise<{ offset: number; online: boolean }> {
    const ack = await this.request({ type: 'direct', to, data });
    return { offset: ack.offset as number, online: ack.online === true };
  }

  // ---- streams ----

  /** Follows a durable stream live: `onEvent` gets each event once, in offset order, resumed after reconnections. */
  subscribeStream(stream: string, onEvent: (event: StreamEventFrame) => void, options: { since?: Position } = {}): Promise<Ack> {
    return this.#add('stream', stream, onEvent as (f: ServerFrame) => void, options);
  }

  unsubscribeStream(stream: string): Promise<void> {
    return this.#remove('stream', stream);
  }

  // ---- requests ----

  /**
   * Sends a client frame with the next `id` and resolves with its `ack` (or `pong`); rejects with a `RealtimeError`
   * carrying the error frame's `code` (and `retryAfterMs` for `rate_limited`), `timeout`, `disconnected` or `closed`.
   */
  request(frame: ClientFrame, options: { timeoutMs?: number } = {}): Promise<Ack> {
    if (this.#state === 'closed') return Promise.reject(new RealtimeError('closed', 'the client is closed'));
    return new Promise<Ack>((resolve, reject) => this.#call(frame, resolve as (f: ServerFrame) => void, reject, options.timeoutMs));
  }

  /** Counts of what the client holds, for leak checks and diagnostics. */
  debugStats(): { pending: number; outbox: number; timers: number; subscriptions: number; listeners: number } {
    return {
      pending: this.#pending.size,
      outbox: this.#outbox.length,
      timers: this.#timers.size + (this.#liveness ? 1 : 0),
      subscriptions: this.#subscriptions.size,
      listeners: this.listenerCount(),
    };
  }

  // ---- internals: requests and subscriptions ----

  /**
   * Sends `frame` with the next id; `onAck` / `onError` run synchronously when the answer is handled, before any
   * frame after it (a subscription must take its ack's position before the messages that follow it).
   */
  #call(frame: ClientFrame, onAck: (frame: ServerFrame) => void, onError: (error: RealtimeError) => void, timeoutMs?: number): void {
    const id = ++this.#nextId;
    const ms = timeoutMs ?? this.#options.requestTimeoutMs ?? 15_000;
    const pending: Pending = { resolve: onAck, reject: onError, timer: undefined, sentOn: 0 };
    pending.timer = this.#setTimer(() => {
      this.#pending.delete(id);
      onError(new RealtimeError('timeout', `no answer to '${frame.type}' within ${ms} ms`));
    }, ms);
    this.#pending.set(id, pending);
    this.#send({ ...frame, id }, pending);
  }

  #add(kind: SubscriptionKind, name: string, deliver: (f: ServerFrame) => void, options: SubscribeOptions): Promise<Ack> {
    if (this.#state === 'closed') return Promise.reject(new RealtimeError('closed', 'the client is closed'));
    const key = subscriptionKey(kind, name);
    if (this.#subscriptions.has(key)) return Promise.reject(new RealtimeError('bad_request', `already subscribed to ${kind} '${name}'`));
    return new Promise<Ack>((resolve, reject) => {
      const sub: Subscription = {
        kind,
        name,
        ...(options.filter && { filter: options.filter }),
        ...(options.since && { position: { ...options.since } }),
        channels: new Map(),
        members: new Map(),
        deliver,
        sentOn: 0,
        acknowledged: false,
        ready: { resolve: resolve as (a: ServerFrame) => void, reject, settled: false },
      };
      this.#subscriptions.set(key, sub);
      if (this.#state === 'connected') this.#startSubscription(sub);
    });
  }

  async #remove(kind: SubscriptionKind, name: string): Promise<void> {
    const sub = this.#subscriptions.get(subscriptionKey(kind, name));
    if (!sub) return;
    this.#subscriptions.delete(subscriptionKey(kind, name));
    settle(sub, undefined, new RealtimeError('closed', `unsubscribed from ${kind} '${name}'`));
    // Not subscribed on the server (yet): nothing to undo; the next connection simply does not resume it.
    if (this.#state !== 'connected' || sub.sentOn !== this.#serial) return;
    await this.request(unsubscribeFrame(sub));
  }

  /** Sends the subscribe (or join) frame of `sub` on the current connection and handles its answer. */
  #startSubscription(sub: Subscription): void {
    const serial = this.#serial;
    sub.sentOn = serial;
    const frame = subscribeFrame(sub);
    const resumed = 'since' in frame;
    this.#call(
      frame,
      (ack) => this.#subscribed(sub, ack, resumed),
      (error) => {
        // A dropped connection resumes it on the next one; an answered error ends it.
        if (error.code === 'disconnected' || error.code === 'closed' || serial !== this.#serial) return;
        if (error.code === 'timeout') {
          this.emit('error', error);
          return;
        }
        if (this.#subscriptions.get(subscriptionKey(sub.kind, sub.name)) === sub) this.#subscriptions.delete(subscriptionKey(sub.kind, sub.name));
        const wasReady = sub.ready.settled;
        settle(sub, undefined, error);
        if (wasReady) this.emit('error', error);
      },
    );
  }

  #subscribed(sub: Subscription, ack: ServerFrame, resumed: boolean): void {
    const current = this.#subscriptions.get(subscriptionKey(sub.kind, sub.name)) === sub;
    if (!current) return;
    const top = typeof ack.offset === 'number' ? { offset: ack.offset, ...(typeof ack.epoch === 'string' && { epoch: ack.epoch }) } : undefined;
    if (resumed && ack.recovered === false) {
      // The server could not replay what was missed: live delivery goes on from its top; the application resyncs.
      sub.position = top;
      this.emit('resync', { kind: sub.kind, name: sub.name, ...top });
    } else if (!resumed) {
      if (sub.kind === 'pattern' && sub.acknowledged) this.emit('resync', { kind: sub.kind, name: sub.name });
      sub.position = top ?? sub.position;
    }
    if (sub.kind === 'room' && Array.isArray(ack.members)) {
      sub.members.clear();
      for (const member of ack.members as Member[]) sub.members.set(member.user, member);
    }
    sub.acknowledged = true;
    settle(sub, ack);
  }

  #dispatch(frame: ServerFrame): void {
    switch (frame.type) {
      case 'message': {
        const m = frame as MessageFrame;
        const sub = this.#subscriptions.get(m.pattern ? subscriptionKey('pattern', m.pattern) : subscriptionKey('channel', m.channel));
        if (!sub) return;
        if (sub.kind === 'pattern') {
          const position = sub.channels.get(m.channel);
          if (isDuplicate(position, m)) return;
          sub.channels.set(m.channel, positionAfter(position, m)!);
        } else {
          if (isDuplicate(sub.position, m)) return;
          sub.position = positionAfter(sub.position, m);
        }
        sub.deliver(m);
        return;
      }
      case 'room':
      case 'presence': {
        const room = (frame as RoomFrame).room;
        if (typeof room !== 'string') {
          this.emit('presence', frame as PresenceFrame);
          return;
        }
        const sub = this.#subscriptions.get(subscriptionKey('room', room));
        if (!sub || isDuplicate(sub.position, frame)) return;
        sub.position = positionAfter(sub.position, frame);
        if (frame.type === 'presence') {
          const p = frame as PresenceFrame;
          if (p.status === 'leave') sub.members.delete(p.user);
          else if (p.status === 'join') sub.members.set(p.user, { user: p.user, status: 'online', ...(p.lastSeen && { lastSeen: p.lastSeen }) });
          else sub.members.set(p.user, { user: p.user, status: p.status, ...(p.lastSeen && { lastSeen: p.lastSeen }), ...(p.state !== undefined && { state: p.state }) });
          this.emit('presence', p);
        }
        sub.deliver(frame);
        return;
      }
      case 'event': {
        const e = frame as StreamEventFrame;
        const sub = this.#subscriptions.get(subscriptionKey('stream', e.stream));
        if (!sub || isDuplicate(sub.position, e)) return;
        sub.position = positionAfter(sub.position, e);
        sub.deliver(e);
        return;
      }
      case 'direct': {
        const d = frame as DirectFrame;
        if (typeof d.offset === 'number') {
          if (d.offset <= this.#lastDirect) return;
          this.#lastDirect = d.offset;
        }
        this.emit('direct', d);
        return;
      }
      case 'ack':
      case 'error':
      case 'pong':
        this.#answer(frame);
        return;
      case 'ping':
        this.#transport?.send([{ type: 'pong' }]);
        return;
      default:
        return;
    }
  }

  #answer(frame: ServerFrame): void {
    const id = typeof frame.id === 'number' ? frame.id : undefined;
    const pending = id === undefined ? undefined : this.#pending.get(id);
    if (!pending) {
      if (frame.type === 'ack' && id === undefined && typeof frame.channel === 'string') {
        this.#resumedByToken(frame);
      } else if (frame.type === 'error') {
        this.emit('error', RealtimeError.fromFrame(frame));
      }
      return;
    }
    this.#pending.delete(id!);
    this.#clearTimer(pending.timer);
    if (frame.type === 'error') pending.reject(RealtimeError.fromFrame(frame));
    else pending.resolve(frame);
  }

  /** An ack without id on an SSE connection opened with a resume token: the server resumed that channel itself. */
  #resumedByToken(ack: ServerFrame): void {
    const sub = this.#subscriptions.get(subscriptionKey('channel', ack.channel as string));
    if (sub && sub.sentOn === this.#serial) this.#subscribed(sub, ack, true);
  }

  // ---- internals: connection ----

  async #connectLoop(generation: number, attempt: number): Promise<void> {
    for (let round = attempt; ; round++) {
      if (round > 0) {
        if (round > this.#reconnect.maxAttempts) {
          this.#giveUp(new RealtimeError('transport', `no transport could connect after ${round - 1} rounds`));
          return;
        }
        await this.#delay(backoffDelay(round, this.#reconnect));
        if (generation !== this.#generation) return;
      }
      for (let i = 0; i < this.#order.length; i++) {
        const index = (this.#preferred + i) % this.#order.length;
        const name = this.#order[index]!;
        let token: string | undefined;
        try {
          token = this.#options.getToken ? await this.#options.getToken() : this.#options.token;
        } catch (error) {
          this.emit('error', new RealtimeError('unauthorized', `getToken failed: ${describe(error)}`));
          break;
        }
        if (generation !== this.#generation) return;
        this.#state = 'connecting';
        this.emit('connecting', { transport: name, attempt: round + 1 });
        if (await this.#open(name, token, generation)) {
          this.#preferred = index;
          return;
        }
        if (generation !== this.#generation) return;
      }
    }
  }

  /** Opens one transport; true once its `welcome` arrived, false when it failed or timed out first. */
  #open(name: TransportName, token: string | undefined, generation: number): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      let welcomed = false;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const failed = (why: string) => {
        this.#clearTimer(timer);
        if (this.#transport === transport) this.#transport = undefined;
        transport?.close();
        if (generation === this.#generation) this.emit('error', new RealtimeError('transport', `${name}: ${why}`));
        resolve(false);
      };
      const resume = name === 'sse' ? this.#sseResumeFor() : undefined;
      const context: TransportContext = {
        baseUrl: this.url,
        ...(token !== undefined && { token }),
        query: this.#options.user ? { user: this.#options.user } : {},
        fetch: this.#options.fetch ?? globalThis.fetch.bind(globalThis),
        ...((this.#options.WebSocket ?? globalThis.WebSocket) && { WebSocket: this.#options.WebSocket ?? (globalThis.WebSocket as unknown as WebSocketConstructor) }),
        ...((this.#options.EventSource ?? globalThis.EventSource) && { EventSource: this.#options.EventSource ?? (globalThis.EventSource as unknown as EventSourceConstructor) }),
        ...(resume && { lastEventId: resume.token }),
      };
      let transport: Transport | undefined;
      try {
        transport = TRANSPORTS[name](context, {
          onFrame: (frame) => {
            if (generation !== this.#generation) return;
            this.#lastFrameAt = Date.now();
            if (!welcomed) {
              if (frame.type !== 'welcome') return; // nothing precedes the welcome on a healthy connection
              welcomed = true;
              this.#clearTimer(timer);
              this.#established(transport!, frame as WelcomeFrame, resume?.channels);
              resolve(true);
              return;
            }
            this.emit('frame', frame);
            if (frame.type === 'close') this.#closeFrame = frame;
            this.#dispatch(frame);
          },
          onClose: (close) => {
            if (generation !== this.#generation) return;
            if (!welcomed) failed(describeClose(close, 'closed before the welcome frame'));
            else if (this.#transport === transport) this.#lost(close, false, 1);
          },
        });
      } catch (error) {
        failed(describe(error));
        return;
      }
      this.#transport = transport;
      timer = this.#setTimer(() => failed(`no welcome frame within ${this.#handshakeTimeout} ms`), this.#handshakeTimeout);
    });
  }

  get #handshakeTimeout(): number {
    return this.#options.handshakeTimeoutMs ?? 10_000;
  }

  /** The resume token to open SSE with, when it covers exactly subscriptions that can be resumed by it. */
  #sseResumeFor(): { token: string; channels: Set<string> } | undefined {
    const resume = this.#sseResume;
    if (!resume) return undefined;
    for (const channel of resume.channels) {
      const sub = this.#subscriptions.get(subscriptionKey('channel', channel));
      // The token keeps no filter, and a channel the application left would come back: then subscribe by frames.
      if (!sub || sub.filter || !sub.position) return undefined;
    }
    return resume;
  }

  #established(transport: Transport, welcome: WelcomeFrame, resumedChannels: Set<string> | undefined): void {
    this.#serial++;
    this.#welcome = welcome;
    this.#closeFrame = undefined;
    this.#state = 'connected';
    const changed = this.#transportName !== transport.name;
    this.#transportName = transport.name;
    this.emit('frame', welcome);
    this.emit('connected', { transport: transport.name, connectionId: welcome.connectionId, ...(welcome.userId && { userId: welcome.userId }), ...(welcome.gateway && { gateway: welcome.gateway }) });
    if (changed) this.emit('transport', transport.name);
    for (const waiter of this.#connected.splice(0)) waiter.resolve();
    if (transport.name === 'websocket') this.#startLiveness(welcome);

    for (const sub of this.#subscriptions.values()) {
      if (sub.kind === 'channel' && resumedChannels?.has(sub.name)) sub.sentOn = this.#serial; // the server resumes it from the token
      else this.#startSubscription(sub);
    }
    const outbox = this.#outbox.splice(0);
    for (const frame of outbox) {
      const pending = typeof frame.id === 'number' ? this.#pending.get(frame.id) : undefined;
      if (pending) pending.sentOn = this.#serial;
    }
    if (outbox.length > 0) transport.send(outbox);
  }

  /**
   * The connection is gone. Requests in flight are rejected with `disconnected`; then, unless the server said not to
   * come back, the connect loop starts again (at once for a requested reconnect, after a backoff otherwise).
   */
  #lost(close: TransportClose, requested: boolean, attempt: number): void {
    const name = this.#transportName!;
    const transport = this.#transport;
    this.#transport = undefined;
    if (name === 'sse' && transport?.lastEventId) {
      const channels = resumeTokenChannels(transport.lastEventId);
      this.#sseResume = channels ? { token: transport.lastEventId, channels: new Set(channels) } : undefined;
    } else {
      this.#sseResume = undefined;
    }
    this.#stopLiveness();
    const serial = this.#serial;
    this.#rejectPending((p) => p.sentOn === serial, new RealtimeError('disconnected', `the connection dropped (${describeClose(close, 'closed')})`));
    for (const sub of this.#subscriptions.values()) sub.sentOn = 0;

    const closeFrame = this.#closeFrame;
    const final = !requested && ((closeFrame && closeFrame.reconnect === false) || (close.code !== undefined && FINAL_CLOSE_STATUSES.has(close.code)));
    const code = (closeFrame?.code as string | undefined) ?? close.code;
    const reason = (closeFrame?.message as string | undefined) ?? close.reason ?? (close.error ? describe(close.error) : undefined);
    this.#state = final ? 'closed' : 'disconnected';
    this.emit('disconnected', { transport: name, ...(code !== undefined && { code }), ...(reason && { reason }), willReconnect: !final });
    if (final) {
      this.#giveUp(new RealtimeError(String(code ?? 'closed'), `the server closed the connection: ${reason ?? code}`));
      return;
    }
    void this.#connectLoop(++this.#generation, attempt);
  }

  #giveUp(error: RealtimeError): void {
    this.#generation++;
    this.#state = 'closed';
    this.#clearTimers();
    this.#rejectPending(() => true, error);
    this.#outbox.length = 0;
    for (const waiter of this.#connected.splice(0)) waiter.reject(error);
    this.emit('error', error);
  }

  #send(frame: ClientFrame, pending?: Pending): void {
    if (this.#state === 'connected' && this.#transport) {
      if (pending) pending.sentOn = this.#serial;
      this.#transport.send([frame]);
    } else {
      this.#outbox.push(frame);
    }
  }

  #rejectPending(which: (p: Pending) => boolean, error: RealtimeError): void {
    for (const [id, pending] of this.#pending) {
      if (!which(pending)) continue;
      this.#pending.delete(id);
      this.#clearTimer(pending.timer);
      pending.reject(error);
    }
    // Requests still in the outbox whose promise was just rejected must not go out later.
    if (this.#outbox.length > 0) this.#outbox = this.#outbox.filter((f) => typeof f.id !== 'number' || this.#pending.has(f.id));
  }

  /**
   * WebSocket only: the server pings every `heartbeat` seconds, so a connection silent for two of them (plus slack)
   * is dead even if the socket has not noticed (a half-open TCP connection after a network change).
   */
  #startLiveness(welcome: WelcomeFrame): void {
    this.#stopLiveness();
    const heartbeatMs = (welcome.heartbeat ?? 25) * 1000;
    const limit = heartbeatMs * 2 + 5_000;
    this.#liveness = setInterval(() => {
      if (Date.now() - this.#lastFrameAt > limit && this.#transport) {
        this.#transport.close();
        this.#lost({ reason: `nothing received for ${limit} ms` }, false, 1);
      }
    }, heartbeatMs);
  }

  #stopLiveness(): void {
    if (this.#liveness !== undefined) clearInterval(this.#liveness);
    this.#liveness = undefined;
  }

  #delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.#setTimer(resolve, ms);
    });
  }

  #setTimer(callback: () => void, ms: number): ReturnType<typeof setTimeout> {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      callback();
    }, ms);
    this.#timers.add(timer);
    return timer;
  }

  #clearTimer(timer: ReturnType<typeof setTimeout> | undefined): void {
    if (timer === undefined) return;
    clearTimeout(timer);
    this.#timers.delete(timer);
  }

  #clearTimers(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.#stopLiveness();
  }
}

function settle(sub: Subscription, ack: ServerFrame | undefined, error?: Error): void {
  if (sub.ready.settled) return;
  sub.ready.settled = true;
  if (error) sub.ready.reject(error);
  else sub.ready.resolve(ack!);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : typeof error === 'object' && error && 'message' in error ? String(error.message) : String(error);
}

function describeClose(close: TransportClose, fallback: string): string {
  if (close.code !== undefined) return `closed with ${close.code}${close.reason ? ` ${close.reason}` : ''}`;
  if (close.error !== undefined) return describe(close.error);
  return close.reason ?? fallback;
}
