// OrleansRealtime JS client, built from clients/js by `npm run build`. Do not edit: edit clients/js/src.

// src/backoff.ts
var RECONNECT_DEFAULTS = {
  initialDelayMs: 500,
  maxDelayMs: 1e4,
  maxAttempts: Number.POSITIVE_INFINITY,
  jitter: 0.5
};
function backoffDelay(attempt, options, random = Math.random) {
  const exponential = options.initialDelayMs * 2 ** Math.min(Math.max(attempt - 1, 0), 30);
  const capped = Math.min(options.maxDelayMs, exponential);
  const jitter = Math.min(Math.max(options.jitter, 0), 1);
  return Math.round(capped * (1 - jitter * random()));
}

// src/emitter.ts
var Emitter = class {
  #listeners = /* @__PURE__ */ new Map();
  /** Adds a listener; returns a function that removes it. */
  on(event, listener) {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, set = /* @__PURE__ */ new Set());
    set.add(listener);
    return () => this.off(event, listener);
  }
  off(event, listener) {
    const set = this.#listeners.get(event);
    if (set?.delete(listener) && set.size === 0) this.#listeners.delete(event);
  }
  /** How many listeners are registered (for one event, or in all). */
  listenerCount(event) {
    if (event !== void 0) return this.#listeners.get(event)?.size ?? 0;
    let n = 0;
    for (const set of this.#listeners.values()) n += set.size;
    return n;
  }
  emit(event, ...args) {
    const set = this.#listeners.get(event);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        listener(...args);
      } catch (error) {
        setTimeout(() => {
          throw error;
        });
      }
    }
  }
};

// src/errors.ts
var RealtimeError = class _RealtimeError extends Error {
  code;
  /** Set for `rate_limited`: how long to wait before sending again. */
  retryAfterMs;
  /** The `error` frame, when the server sent one. */
  frame;
  constructor(code, message, details = {}) {
    super(message);
    this.name = "RealtimeError";
    this.code = code;
    if (details.retryAfterMs !== void 0) this.retryAfterMs = details.retryAfterMs;
    if (details.frame !== void 0) this.frame = details.frame;
  }
  /** The error an `error` frame stands for. */
  static fromFrame(frame) {
    const retry = typeof frame.retryAfterMs === "number" ? frame.retryAfterMs : void 0;
    return new _RealtimeError(String(frame.code ?? "internal"), String(frame.message ?? frame.code ?? "error"), { retryAfterMs: retry, frame });
  }
};

// src/resume-token.ts
function resumeTokenChannels(token) {
  try {
    const base64 = token.replace(/-/g, "+").replace(/_/g, "/");
    const json = JSON.parse(atob(base64 + "=".repeat((4 - base64.length % 4) % 4)));
    if (json?.v !== 1 || !Array.isArray(json.c)) return void 0;
    if (Array.isArray(json.s) && json.s.length > 0) return void 0;
    const channels = json.c.map((entry) => Array.isArray(entry) ? entry[0] : void 0);
    return channels.every((c) => typeof c === "string") ? channels : void 0;
  } catch {
    return void 0;
  }
}

// src/subscriptions.ts
function subscriptionKey(kind, name) {
  return `${kind}:${name}`;
}
function subscribeFrame(sub) {
  const since = sub.position ? { since: { offset: sub.position.offset, ...sub.position.epoch !== void 0 && { epoch: sub.position.epoch } } } : {};
  const filter = sub.filter ? { filter: sub.filter } : {};
  switch (sub.kind) {
    case "channel":
      return { type: "subscribe", channel: sub.name, ...filter, ...since };
    case "pattern":
      return { type: "subscribe", pattern: sub.name, ...filter };
    case "room":
      return { type: "join", room: sub.name, ...since };
    case "stream":
      return { type: "subscribe", stream: sub.name, ...since };
  }
}
function unsubscribeFrame(sub) {
  switch (sub.kind) {
    case "channel":
      return { type: "unsubscribe", channel: sub.name };
    case "pattern":
      return { type: "unsubscribe", pattern: sub.name };
    case "room":
      return { type: "leave", room: sub.name };
    case "stream":
      return { type: "unsubscribe", stream: sub.name };
  }
}
function isDuplicate(position, frame) {
  if (position === void 0 || typeof frame.offset !== "number") return false;
  const epoch = typeof frame.epoch === "string" ? frame.epoch : void 0;
  const sameEpoch = epoch === void 0 || position.epoch === void 0 || position.epoch === epoch;
  return sameEpoch && frame.offset <= position.offset;
}
function positionAfter(position, frame) {
  if (typeof frame.offset !== "number") return position;
  const epoch = typeof frame.epoch === "string" ? frame.epoch : position?.epoch;
  return epoch === void 0 ? { offset: frame.offset } : { offset: frame.offset, epoch };
}

// src/transports/frame-poster.ts
var FramePoster = class {
  constructor(url, headers, fetchImpl, fail) {
    this.url = url;
    this.headers = headers;
    this.fetchImpl = fetchImpl;
    this.fail = fail;
  }
  url;
  headers;
  fetchImpl;
  fail;
  #queue = [];
  #busy = false;
  #stopped = false;
  #abort = new AbortController();
  post(frames) {
    if (this.#stopped) return;
    this.#queue.push(...frames);
    void this.#pump();
  }
  stop() {
    this.#stopped = true;
    this.#queue.length = 0;
    this.#abort.abort();
  }
  async #pump() {
    const url = this.url();
    if (this.#busy || url === void 0) return;
    this.#busy = true;
    try {
      while (this.#queue.length > 0 && !this.#stopped) {
        const batch = this.#queue.splice(0);
        const response = await this.fetchImpl(url, {
          method: "POST",
          headers: { "content-type": "text/plain;charset=UTF-8", ...this.headers },
          body: JSON.stringify(batch),
          signal: this.#abort.signal
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
  flush() {
    void this.#pump();
  }
};

// src/transports/transport.ts
function buildUrl(base, path, query) {
  const url = new URL(base + path);
  for (const [key, value] of Object.entries(query)) if (value !== void 0 && value !== "") url.searchParams.set(key, value);
  return url.toString();
}
function parseFrames(text) {
  const value = JSON.parse(text);
  const list = Array.isArray(value) ? value : [value];
  return list.filter((f) => typeof f === "object" && f !== null && typeof f.type === "string");
}

// src/transports/polling.ts
var POLL_RETRIES = 2;
function openPolling(context, events) {
  const headers = context.token ? { authorization: `Bearer ${context.token}` } : {};
  const abort = new AbortController();
  let connectionId;
  let closed = false;
  const base = () => `${context.baseUrl}/poll/${encodeURIComponent(connectionId ?? "")}`;
  const poster = new FramePoster(() => connectionId === void 0 ? void 0 : base(), headers, context.fetch, (error) => finish({ error }));
  const finish = (close) => {
    if (closed) return;
    closed = true;
    abort.abort();
    poster.stop();
    events.onClose(close);
  };
  const deliver = (frames) => {
    for (const frame of frames) {
      if (closed) return;
      events.onFrame(frame);
    }
  };
  const run = async () => {
    const open = await context.fetch(buildUrl(context.baseUrl, "/poll", context.query), { method: "POST", headers, signal: abort.signal });
    if (!open.ok) throw new Error(`POST /poll answered ${open.status}: ${await open.text()}`);
    const welcome = await open.json();
    connectionId = String(welcome.connectionId);
    deliver([welcome]);
    poster.flush();
    let cursor = 0;
    let failures = 0;
    while (!closed) {
      let answer;
      try {
        const response = await context.fetch(`${base()}?cursor=${cursor}`, { headers, signal: abort.signal, cache: "no-store" });
        if (response.status === 404) {
          await response.body?.cancel();
          finish({ reason: "the polling connection is gone" });
          return;
        }
        if (!response.ok) throw new Error(`GET /poll answered ${response.status}`);
        answer = await response.json();
        failures = 0;
      } catch (error) {
        if (closed) return;
        if (++failures > POLL_RETRIES) throw error;
        continue;
      }
      cursor = answer.cursor;
      deliver(answer.frames);
    }
  };
  run().catch((error) => finish({ error }));
  return {
    name: "polling",
    send(frames) {
      poster.post(frames);
    },
    close() {
      if (closed) return;
      closed = true;
      abort.abort();
      poster.stop();
    }
  };
}

// src/transports/sse.ts
var FRAME_TYPES = ["welcome", "ack", "error", "message", "room", "presence", "direct", "event", "pong", "close", "ping"];
function openSse(context, events) {
  const Ctor = context.EventSource;
  if (!Ctor) throw new Error("no EventSource implementation (pass options.EventSource, e.g. the eventsource package, on Node.js)");
  let connectionId;
  let lastEventId = context.lastEventId;
  let closed = false;
  const url = buildUrl(context.baseUrl, "/sse", {
    ...context.query,
    // EventSource cannot set headers: the token and the resume token go in the query.
    access_token: context.token,
    lastEventId: context.lastEventId
  });
  const source = new Ctor(url);
  const poster = new FramePoster(
    () => connectionId === void 0 ? void 0 : `${context.baseUrl}/sse/${encodeURIComponent(connectionId)}`,
    context.token ? { authorization: `Bearer ${context.token}` } : {},
    context.fetch,
    (error) => finish({ error })
  );
  const finish = (close) => {
    if (closed) return;
    closed = true;
    source.onerror = null;
    source.close();
    poster.stop();
    events.onClose(close);
  };
  const onEvent = (event) => {
    if (closed) return;
    let frame;
    try {
      frame = JSON.parse(event.data);
    } catch (error) {
      finish({ error });
      return;
    }
    if (event.lastEventId) lastEventId = event.lastEventId;
    if (frame?.type === "welcome") {
      connectionId = frame.connectionId;
      poster.flush();
    }
    events.onFrame(frame);
  };
  for (const type of FRAME_TYPES) source.addEventListener(type, onEvent);
  source.onerror = (event) => finish({ error: event?.error ?? new Error("the event stream failed") });
  return {
    name: "sse",
    get lastEventId() {
      return lastEventId;
    },
    send(frames) {
      poster.post(frames);
    },
    close() {
      if (closed) return;
      closed = true;
      source.onerror = null;
      source.close();
      poster.stop();
    }
  };
}

// src/transports/websocket.ts
function openWebSocket(context, events) {
  const Ctor = context.WebSocket;
  if (!Ctor) throw new Error("no WebSocket implementation (pass options.WebSocket, e.g. the ws package, on Node.js < 22)");
  const url = buildUrl(context.baseUrl.replace(/^http/, "ws"), "/ws", context.query);
  const socket = new Ctor(url, context.token ? [`access_token.${context.token}`] : void 0);
  let closed = false;
  const finish = (close) => {
    if (closed) return;
    closed = true;
    detach();
    events.onClose(close);
  };
  const detach = () => {
    socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
  };
  socket.onmessage = (event) => {
    if (typeof event.data !== "string") return;
    let frames;
    try {
      frames = parseFrames(event.data);
    } catch (error) {
      finish({ error });
      socket.close(1002, "unreadable frame");
      return;
    }
    for (const frame of frames) {
      if (closed) return;
      events.onFrame(frame);
    }
  };
  socket.onclose = (event) => finish({ code: event.code, reason: event.reason });
  socket.onerror = (event) => {
    if (socket.readyState === 3) finish({ error: event?.error ?? event });
  };
  return {
    name: "websocket",
    send(frames) {
      if (closed || socket.readyState !== 1) return;
      socket.send(JSON.stringify(frames.length === 1 ? frames[0] : frames));
    },
    close() {
      if (closed) return;
      closed = true;
      detach();
      try {
        socket.close(1e3, "client closed");
      } catch {
      }
    }
  };
}

// src/client.ts
var TRANSPORTS = { websocket: openWebSocket, sse: openSse, polling: openPolling };
var FINAL_CLOSE_STATUSES = /* @__PURE__ */ new Set([1008, 4001, 4010]);
var RealtimeClient = class extends Emitter {
  url;
  #options;
  #reconnect;
  #order;
  #state = "idle";
  #transport;
  #transportName;
  #welcome;
  /** Incremented per established connection; subscriptions remember the serial they were sent on. */
  #serial = 0;
  /** Incremented per connect loop, so a superseded loop (close, reconnect) stops at its next step. */
  #generation = 0;
  #nextId = 0;
  #pending = /* @__PURE__ */ new Map();
  #outbox = [];
  #subscriptions = /* @__PURE__ */ new Map();
  #timers = /* @__PURE__ */ new Set();
  #lastFrameAt = 0;
  #liveness;
  /** The transport to try first: the last one that worked. */
  #preferred = 0;
  /** SSE resume token of the last SSE connection, and the channels it names. */
  #sseResume;
  #lastDirect = 0;
  /** The `close` frame of the current connection, if the server sent one: it says whether to come back. */
  #closeFrame;
  #connected = [];
  constructor(url, options = {}) {
    super();
    this.url = url.replace(/\/+$/, "");
    this.#options = options;
    this.#reconnect = { ...RECONNECT_DEFAULTS, ...options.reconnect };
    this.#order = [...options.transports ?? ["websocket", "sse", "polling"]];
    if (this.#order.length === 0 || this.#order.some((t) => !(t in TRANSPORTS))) {
      throw new RealtimeError("bad_request", `transports must be a non-empty list of ${Object.keys(TRANSPORTS).join(", ")}`);
    }
    if (options.autoConnect !== false) void this.connect().catch(() => {
    });
  }
  get state() {
    return this.#state;
  }
  /** The transport of the current connection, if connected. */
  get transport() {
    return this.#state === "connected" ? this.#transportName : void 0;
  }
  get connectionId() {
    return this.#state === "connected" ? this.#welcome?.connectionId : void 0;
  }
  get userId() {
    return this.#welcome?.userId;
  }
  /** Resolves when connected (at once if already); rejects when the client closes or gives up first. */
  connect() {
    if (this.#state === "connected") return Promise.resolve();
    const promise = new Promise((resolve, reject) => this.#connected.push({ resolve, reject }));
    if (this.#state === "idle" || this.#state === "closed") {
      this.#state = "connecting";
      void this.#connectLoop(++this.#generation, 0);
    }
    return promise;
  }
  /** Drops the current connection (if any) and connects again at once, resuming every subscription. */
  reconnect() {
    if (this.#state === "closed" || this.#state === "idle") {
      void this.connect().catch(() => {
      });
      return;
    }
    const transport = this.#transport;
    if (transport && this.#state === "connected") {
      transport.close();
      this.#lost({ reason: "reconnect requested" }, true, 0);
    } else {
      this.#transport = void 0;
      transport?.close();
      void this.#connectLoop(++this.#generation, 0);
    }
  }
  /** Closes the connection for good: pending requests are rejected with `closed`; subscriptions are forgotten. */
  close() {
    this.#generation++;
    const transport = this.#transport;
    const wasConnected = this.#state === "connected";
    this.#transport = void 0;
    transport?.close();
    this.#state = "closed";
    this.#clearTimers();
    const error = new RealtimeError("closed", "the client was closed");
    this.#rejectPending(() => true, error);
    this.#outbox.length = 0;
    for (const sub of this.#subscriptions.values()) settle(sub, void 0, error);
    this.#subscriptions.clear();
    for (const waiter of this.#connected.splice(0)) waiter.reject(error);
    if (wasConnected && this.#transportName) this.emit("disconnected", { transport: this.#transportName, reason: "closed", willReconnect: false });
  }
  // ---- channels ----
  /**
   * Subscribes to a channel (or to a pattern such as `metrics.*` / `metrics.>`). `onMessage` gets every message once,
   * in offset order, across reconnections. Resolves with the first ack; rejects with the server's error (then the
   * subscription is dropped) or when the client is closed.
   */
  subscribe(channel, onMessage, options = {}) {
    const kind = /(^|\.)(\*|>)(\.|$)/.test(channel) ? "pattern" : "channel";
    return this.#add(kind, channel, onMessage, options);
  }
  unsubscribe(channel) {
    const kind = this.#subscriptions.has(subscriptionKey("pattern", channel)) ? "pattern" : "channel";
    return this.#remove(kind, channel);
  }
  /** Publishes `data`; resolves with the message's `{offset, epoch}` once it is stored. */
  async publish(channel, data, options = {}) {
    const ack = await this.request({ type: "publish", channel, data, ...options.priority && { priority: options.priority } });
    return { offset: ack.offset, epoch: ack.epoch };
  }
  /** A page of a channel's history after `since` (exclusive), oldest first. */
  async history(channel, options = {}) {
    const ack = await this.request({ type: "history", channel, ...options.since && { since: options.since }, ...options.limit && { limit: options.limit } });
    return { channel, epoch: ack.epoch, offset: ack.offset, more: ack.more === true, messages: ack.messages ?? [] };
  }
  /** Every channel's, room's and stream's current position, e.g. to persist and pass back as `since` later. */
  positions() {
    const result = {};
    for (const [key, sub] of this.#subscriptions) if (sub.position) result[key] = { ...sub.position };
    return result;
  }
  // ---- rooms and presence ----
  /**
   * Joins a room: `onEvent` gets its messages (`room` frames) and member changes (`presence` frames) once each, in
   * the room's offset order, across reconnections. Resolves with the join ack (its `members`).
   */
  join(room, onEvent = () => {
  }, options = {}) {
    return this.#add("room", room, onEvent, options);
  }
  leave(room) {
    return this.#remove("room", room);
  }
  /** Sends `data` to a joined room as `event` (default `message`); resolves with its `{offset, epoch}`. */
  async sendToRoom(room, event, data, options = {}) {
    const ack = await this.request({ type: "room.send", room, event, data, ...options.priority && { priority: options.priority } });
    return { offset: ack.offset, epoch: ack.epoch };
  }
  /** The members of a joined room with their presence, as this client knows them. */
  members(room) {
    return [...this.#subscriptions.get(subscriptionKey("room", room))?.members.values() ?? []];
  }
  /** Sets this user's status (`online`, `away`, `busy`) and custom state. */
  async setPresence(status, state) {
    const ack = await this.request({ type: "presence.set", status, ...state !== void 0 && { state } });
    return ack.presence[0];
  }
  /** Presence of users; with `watch`, later changes arrive as `presence` events (until the connection ends). */
  async getPresence(users, options = {}) {
    const ack = await this.request({ type: "presence.get", users, ...options.watch && { watch: true } });
    return ack.presence;
  }
  /** Sends a direct message to a user (delivered later from their inbox when offline). */
  async direct(to, data) {
    const ack = await this.request({ type: "direct", to, data });
    return { offset: ack.offset, online: ack.online === true };
  }
  // ---- streams ----
  /** Follows a durable stream live: `onEvent` gets each event once, in offset order, resumed after reconnections. */
  subscribeStream(stream, onEvent, options = {}) {
    return this.#add("stream", stream, onEvent, options);
  }
  unsubscribeStream(stream) {
    return this.#remove("stream", stream);
  }
  // ---- requests ----
  /**
   * Sends a client frame with the next `id` and resolves with its `ack` (or `pong`); rejects with a `RealtimeError`
   * carrying the error frame's `code` (and `retryAfterMs` for `rate_limited`), `timeout`, `disconnected` or `closed`.
   */
  request(frame, options = {}) {
    if (this.#state === "closed") return Promise.reject(new RealtimeError("closed", "the client is closed"));
    return new Promise((resolve, reject) => this.#call(frame, resolve, reject, options.timeoutMs));
  }
  /** Counts of what the client holds, for leak checks and diagnostics. */
  debugStats() {
    return {
      pending: this.#pending.size,
      outbox: this.#outbox.length,
      timers: this.#timers.size + (this.#liveness ? 1 : 0),
      subscriptions: this.#subscriptions.size,
      listeners: this.listenerCount()
    };
  }
  // ---- internals: requests and subscriptions ----
  /**
   * Sends `frame` with the next id; `onAck` / `onError` run synchronously when the answer is handled, before any
   * frame after it (a subscription must take its ack's position before the messages that follow it).
   */
  #call(frame, onAck, onError, timeoutMs) {
    const id = ++this.#nextId;
    const ms = timeoutMs ?? this.#options.requestTimeoutMs ?? 15e3;
    const pending = { resolve: onAck, reject: onError, timer: void 0, sentOn: 0 };
    pending.timer = this.#setTimer(() => {
      this.#pending.delete(id);
      onError(new RealtimeError("timeout", `no answer to '${frame.type}' within ${ms} ms`));
    }, ms);
    this.#pending.set(id, pending);
    this.#send({ ...frame, id }, pending);
  }
  #add(kind, name, deliver, options) {
    if (this.#state === "closed") return Promise.reject(new RealtimeError("closed", "the client is closed"));
    const key = subscriptionKey(kind, name);
    if (this.#subscriptions.has(key)) return Promise.reject(new RealtimeError("bad_request", `already subscribed to ${kind} '${name}'`));
    return new Promise((resolve, reject) => {
      const sub = {
        kind,
        name,
        ...options.filter && { filter: options.filter },
        ...options.since && { position: { ...options.since } },
        channels: /* @__PURE__ */ new Map(),
        members: /* @__PURE__ */ new Map(),
        deliver,
        sentOn: 0,
        acknowledged: false,
        ready: { resolve, reject, settled: false }
      };
      this.#subscriptions.set(key, sub);
      if (this.#state === "connected") this.#startSubscription(sub);
    });
  }
  async #remove(kind, name) {
    const sub = this.#subscriptions.get(subscriptionKey(kind, name));
    if (!sub) return;
    this.#subscriptions.delete(subscriptionKey(kind, name));
    settle(sub, void 0, new RealtimeError("closed", `unsubscribed from ${kind} '${name}'`));
    if (this.#state !== "connected" || sub.sentOn !== this.#serial) return;
    await this.request(unsubscribeFrame(sub));
  }
  /** Sends the subscribe (or join) frame of `sub` on the current connection and handles its answer. */
  #startSubscription(sub) {
    const serial = this.#serial;
    sub.sentOn = serial;
    const frame = subscribeFrame(sub);
    const resumed = "since" in frame;
    this.#call(
      frame,
      (ack) => this.#subscribed(sub, ack, resumed),
      (error) => {
        if (error.code === "disconnected" || error.code === "closed" || serial !== this.#serial) return;
        if (error.code === "timeout") {
          this.emit("error", error);
          return;
        }
        if (this.#subscriptions.get(subscriptionKey(sub.kind, sub.name)) === sub) this.#subscriptions.delete(subscriptionKey(sub.kind, sub.name));
        const wasReady = sub.ready.settled;
        settle(sub, void 0, error);
        if (wasReady) this.emit("error", error);
      }
    );
  }
  #subscribed(sub, ack, resumed) {
    const current = this.#subscriptions.get(subscriptionKey(sub.kind, sub.name)) === sub;
    if (!current) return;
    const top = typeof ack.offset === "number" ? { offset: ack.offset, ...typeof ack.epoch === "string" && { epoch: ack.epoch } } : void 0;
    if (resumed && ack.recovered === false) {
      sub.position = top;
      this.emit("resync", { kind: sub.kind, name: sub.name, ...top });
    } else if (!resumed) {
      if (sub.kind === "pattern" && sub.acknowledged) this.emit("resync", { kind: sub.kind, name: sub.name });
      sub.position = top ?? sub.position;
    }
    if (sub.kind === "room" && Array.isArray(ack.members)) {
      sub.members.clear();
      for (const member of ack.members) sub.members.set(member.user, member);
    }
    sub.acknowledged = true;
    settle(sub, ack);
  }
  #dispatch(frame) {
    switch (frame.type) {
      case "message": {
        const m = frame;
        const sub = this.#subscriptions.get(m.pattern ? subscriptionKey("pattern", m.pattern) : subscriptionKey("channel", m.channel));
        if (!sub) return;
        if (sub.kind === "pattern") {
          const position = sub.channels.get(m.channel);
          if (isDuplicate(position, m)) return;
          sub.channels.set(m.channel, positionAfter(position, m));
        } else {
          if (isDuplicate(sub.position, m)) return;
          sub.position = positionAfter(sub.position, m);
        }
        sub.deliver(m);
        return;
      }
      case "room":
      case "presence": {
        const room = frame.room;
        if (typeof room !== "string") {
          this.emit("presence", frame);
          return;
        }
        const sub = this.#subscriptions.get(subscriptionKey("room", room));
        if (!sub || isDuplicate(sub.position, frame)) return;
        sub.position = positionAfter(sub.position, frame);
        if (frame.type === "presence") {
          const p = frame;
          if (p.status === "leave") sub.members.delete(p.user);
          else if (p.status === "join") sub.members.set(p.user, { user: p.user, status: "online", ...p.lastSeen && { lastSeen: p.lastSeen } });
          else sub.members.set(p.user, { user: p.user, status: p.status, ...p.lastSeen && { lastSeen: p.lastSeen }, ...p.state !== void 0 && { state: p.state } });
          this.emit("presence", p);
        }
        sub.deliver(frame);
        return;
      }
      case "event": {
        const e = frame;
        const sub = this.#subscriptions.get(subscriptionKey("stream", e.stream));
        if (!sub || isDuplicate(sub.position, e)) return;
        sub.position = positionAfter(sub.position, e);
        sub.deliver(e);
        return;
      }
      case "direct": {
        const d = frame;
        if (typeof d.offset === "number") {
          if (d.offset <= this.#lastDirect) return;
          this.#lastDirect = d.offset;
        }
        this.emit("direct", d);
        return;
      }
      case "ack":
      case "error":
      case "pong":
        this.#answer(frame);
        return;
      case "ping":
        this.#transport?.send([{ type: "pong" }]);
        return;
      default:
        return;
    }
  }
  #answer(frame) {
    const id = typeof frame.id === "number" ? frame.id : void 0;
    const pending = id === void 0 ? void 0 : this.#pending.get(id);
    if (!pending) {
      if (frame.type === "ack" && id === void 0 && typeof frame.channel === "string") {
        this.#resumedByToken(frame);
      } else if (frame.type === "error") {
        this.emit("error", RealtimeError.fromFrame(frame));
      }
      return;
    }
    this.#pending.delete(id);
    this.#clearTimer(pending.timer);
    if (frame.type === "error") pending.reject(RealtimeError.fromFrame(frame));
    else pending.resolve(frame);
  }
  /** An ack without id on an SSE connection opened with a resume token: the server resumed that channel itself. */
  #resumedByToken(ack) {
    const sub = this.#subscriptions.get(subscriptionKey("channel", ack.channel));
    if (sub && sub.sentOn === this.#serial) this.#subscribed(sub, ack, true);
  }
  // ---- internals: connection ----
  async #connectLoop(generation, attempt) {
    for (let round = attempt; ; round++) {
      if (round > 0) {
        if (round > this.#reconnect.maxAttempts) {
          this.#giveUp(new RealtimeError("transport", `no transport could connect after ${round - 1} rounds`));
          return;
        }
        await this.#delay(backoffDelay(round, this.#reconnect));
        if (generation !== this.#generation) return;
      }
      for (let i = 0; i < this.#order.length; i++) {
        const index = (this.#preferred + i) % this.#order.length;
        const name = this.#order[index];
        let token;
        try {
          token = this.#options.getToken ? await this.#options.getToken() : this.#options.token;
        } catch (error) {
          this.emit("error", new RealtimeError("unauthorized", `getToken failed: ${describe(error)}`));
          break;
        }
        if (generation !== this.#generation) return;
        this.#state = "connecting";
        this.emit("connecting", { transport: name, attempt: round + 1 });
        if (await this.#open(name, token, generation)) {
          this.#preferred = index;
          return;
        }
        if (generation !== this.#generation) return;
      }
    }
  }
  /** Opens one transport; true once its `welcome` arrived, false when it failed or timed out first. */
  #open(name, token, generation) {
    return new Promise((resolve) => {
      let welcomed = false;
      let timer;
      const failed = (why) => {
        this.#clearTimer(timer);
        if (this.#transport === transport) this.#transport = void 0;
        transport?.close();
        if (generation === this.#generation) this.emit("error", new RealtimeError("transport", `${name}: ${why}`));
        resolve(false);
      };
      const resume = name === "sse" ? this.#sseResumeFor() : void 0;
      const context = {
        baseUrl: this.url,
        ...token !== void 0 && { token },
        query: this.#options.user ? { user: this.#options.user } : {},
        fetch: this.#options.fetch ?? globalThis.fetch.bind(globalThis),
        ...(this.#options.WebSocket ?? globalThis.WebSocket) && { WebSocket: this.#options.WebSocket ?? globalThis.WebSocket },
        ...(this.#options.EventSource ?? globalThis.EventSource) && { EventSource: this.#options.EventSource ?? globalThis.EventSource },
        ...resume && { lastEventId: resume.token }
      };
      let transport;
      try {
        transport = TRANSPORTS[name](context, {
          onFrame: (frame) => {
            if (generation !== this.#generation) return;
            this.#lastFrameAt = Date.now();
            if (!welcomed) {
              if (frame.type !== "welcome") return;
              welcomed = true;
              this.#clearTimer(timer);
              this.#established(transport, frame, resume?.channels);
              resolve(true);
              return;
            }
            this.emit("frame", frame);
            if (frame.type === "close") this.#closeFrame = frame;
            this.#dispatch(frame);
          },
          onClose: (close) => {
            if (generation !== this.#generation) return;
            if (!welcomed) failed(describeClose(close, "closed before the welcome frame"));
            else if (this.#transport === transport) this.#lost(close, false, 1);
          }
        });
      } catch (error) {
        failed(describe(error));
        return;
      }
      this.#transport = transport;
      timer = this.#setTimer(() => failed(`no welcome frame within ${this.#handshakeTimeout} ms`), this.#handshakeTimeout);
    });
  }
  get #handshakeTimeout() {
    return this.#options.handshakeTimeoutMs ?? 1e4;
  }
  /** The resume token to open SSE with, when it covers exactly subscriptions that can be resumed by it. */
  #sseResumeFor() {
    const resume = this.#sseResume;
    if (!resume) return void 0;
    for (const channel of resume.channels) {
      const sub = this.#subscriptions.get(subscriptionKey("channel", channel));
      if (!sub || sub.filter || !sub.position) return void 0;
    }
    return resume;
  }
  #established(transport, welcome, resumedChannels) {
    this.#serial++;
    this.#welcome = welcome;
    this.#closeFrame = void 0;
    this.#state = "connected";
    const changed = this.#transportName !== transport.name;
    this.#transportName = transport.name;
    this.emit("frame", welcome);
    this.emit("connected", { transport: transport.name, connectionId: welcome.connectionId, ...welcome.userId && { userId: welcome.userId }, ...welcome.gateway && { gateway: welcome.gateway } });
    if (changed) this.emit("transport", transport.name);
    for (const waiter of this.#connected.splice(0)) waiter.resolve();
    if (transport.name === "websocket") this.#startLiveness(welcome);
    for (const sub of this.#subscriptions.values()) {
      if (sub.kind === "channel" && resumedChannels?.has(sub.name)) sub.sentOn = this.#serial;
      else this.#startSubscription(sub);
    }
    const outbox = this.#outbox.splice(0);
    for (const frame of outbox) {
      const pending = typeof frame.id === "number" ? this.#pending.get(frame.id) : void 0;
      if (pending) pending.sentOn = this.#serial;
    }
    if (outbox.length > 0) transport.send(outbox);
  }
  /**
   * The connection is gone. Requests in flight are rejected with `disconnected`; then, unless the server said not to
   * come back, the connect loop starts again (at once for a requested reconnect, after a backoff otherwise).
   */
  #lost(close, requested, attempt) {
    const name = this.#transportName;
    const transport = this.#transport;
    this.#transport = void 0;
    if (name === "sse" && transport?.lastEventId) {
      const channels = resumeTokenChannels(transport.lastEventId);
      this.#sseResume = channels ? { token: transport.lastEventId, channels: new Set(channels) } : void 0;
    } else {
      this.#sseResume = void 0;
    }
    this.#stopLiveness();
    const serial = this.#serial;
    this.#rejectPending((p) => p.sentOn === serial, new RealtimeError("disconnected", `the connection dropped (${describeClose(close, "closed")})`));
    for (const sub of this.#subscriptions.values()) sub.sentOn = 0;
    const closeFrame = this.#closeFrame;
    const final = !requested && (closeFrame && closeFrame.reconnect === false || close.code !== void 0 && FINAL_CLOSE_STATUSES.has(close.code));
    const code = closeFrame?.code ?? close.code;
    const reason = closeFrame?.message ?? close.reason ?? (close.error ? describe(close.error) : void 0);
    this.#state = final ? "closed" : "disconnected";
    this.emit("disconnected", { transport: name, ...code !== void 0 && { code }, ...reason && { reason }, willReconnect: !final });
    if (final) {
      this.#giveUp(new RealtimeError(String(code ?? "closed"), `the server closed the connection: ${reason ?? code}`));
      return;
    }
    void this.#connectLoop(++this.#generation, attempt);
  }
  #giveUp(error) {
    this.#generation++;
    this.#state = "closed";
    this.#clearTimers();
    this.#rejectPending(() => true, error);
    this.#outbox.length = 0;
    for (const waiter of this.#connected.splice(0)) waiter.reject(error);
    this.emit("error", error);
  }
  #send(frame, pending) {
    if (this.#state === "connected" && this.#transport) {
      if (pending) pending.sentOn = this.#serial;
      this.#transport.send([frame]);
    } else {
      this.#outbox.push(frame);
    }
  }
  #rejectPending(which, error) {
    for (const [id, pending] of this.#pending) {
      if (!which(pending)) continue;
      this.#pending.delete(id);
      this.#clearTimer(pending.timer);
      pending.reject(error);
    }
    if (this.#outbox.length > 0) this.#outbox = this.#outbox.filter((f) => typeof f.id !== "number" || this.#pending.has(f.id));
  }
  /**
   * WebSocket only: the server pings every `heartbeat` seconds, so a connection silent for two of them (plus slack)
   * is dead even if the socket has not noticed (a half-open TCP connection after a network change).
   */
  #startLiveness(welcome) {
    this.#stopLiveness();
    const heartbeatMs = (welcome.heartbeat ?? 25) * 1e3;
    const limit = heartbeatMs * 2 + 5e3;
    this.#liveness = setInterval(() => {
      if (Date.now() - this.#lastFrameAt > limit && this.#transport) {
        this.#transport.close();
        this.#lost({ reason: `nothing received for ${limit} ms` }, false, 1);
      }
    }, heartbeatMs);
  }
  #stopLiveness() {
    if (this.#liveness !== void 0) clearInterval(this.#liveness);
    this.#liveness = void 0;
  }
  #delay(ms) {
    return new Promise((resolve) => {
      this.#setTimer(resolve, ms);
    });
  }
  #setTimer(callback, ms) {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      callback();
    }, ms);
    this.#timers.add(timer);
    return timer;
  }
  #clearTimer(timer) {
    if (timer === void 0) return;
    clearTimeout(timer);
    this.#timers.delete(timer);
  }
  #clearTimers() {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.#stopLiveness();
  }
};
function settle(sub, ack, error) {
  if (sub.ready.settled) return;
  sub.ready.settled = true;
  if (error) sub.ready.reject(error);
  else sub.ready.resolve(ack);
}
function describe(error) {
  return error instanceof Error ? error.message : typeof error === "object" && error && "message" in error ? String(error.message) : String(error);
}
function describeClose(close, fallback) {
  if (close.code !== void 0) return `closed with ${close.code}${close.reason ? ` ${close.reason}` : ""}`;
  if (close.error !== void 0) return describe(close.error);
  return close.reason ?? fallback;
}
export {
  RealtimeClient,
  RealtimeError,
  backoffDelay
};
