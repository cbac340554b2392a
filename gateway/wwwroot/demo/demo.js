// The live demo dashboard: everything here goes through the SDK (realtime.js, built from clients/js) except the
// admin views (cluster, stream creation), which use the REST API. Page options in the query string:
// ?user=alice (anonymous mode), ?transports=sse,polling (the fallback order), ?channel=news, ?room=lobby.
import { RealtimeClient } from './realtime.js';

const params = new URLSearchParams(location.search);
const $ = (id) => document.getElementById(id);
const MAX_LOG_ROWS = 200;

const rt = new RealtimeClient(location.origin, {
  ...(params.get('user') && { user: params.get('user') }),
  ...(params.get('transports') && { transports: params.get('transports').split(',') }),
  handshakeTimeoutMs: 5_000,
  reconnect: { initialDelayMs: 250, maxDelayMs: 5_000 },
});

/** What the page received, per channel/room/stream, for people and for tests: offsets in arrival order. */
const received = {};
let currentRoom;
window.demo = { rt, received };

for (const id of ['subscribe-channel', 'publish-channel']) if (params.get('channel')) $(id).value = params.get('channel');
if (params.get('room')) $('join-room').value = params.get('room');

// ---- connection ----

function showState() {
  $('state').textContent = rt.state;
  $('state').dataset.state = rt.state;
  $('transport').textContent = rt.transport ?? '–';
  $('connection').textContent = rt.connectionId ? `${rt.connectionId.slice(0, 14)}…` : '–';
}

function event(text, kind = '') {
  const li = document.createElement('li');
  li.textContent = `${new Date().toLocaleTimeString()}  ${text}`;
  if (kind) li.className = kind;
  $('events').prepend(li);
  while ($('events').children.length > 100) $('events').lastChild.remove();
}

rt.on('connecting', ({ transport, attempt }) => {
  showState();
  event(`connecting over ${transport} (attempt ${attempt})`);
});
rt.on('connected', ({ transport, connectionId, userId, gateway }) => {
  showState();
  $('user').textContent = userId ?? '–';
  $('gateway').textContent = gateway ?? '–';
  event(`connected over ${transport} as ${userId} (${connectionId}) on ${gateway}`, 'good');
});
rt.on('disconnected', ({ transport, code, reason, willReconnect }) => {
  showState();
  event(`disconnected from ${transport}: ${code ?? ''} ${reason ?? ''}${willReconnect ? ', reconnecting' : ''}`, 'error');
});
rt.on('transport', (name) => event(`transport chosen: ${name}`, 'good'));
rt.on('resync', ({ kind, name, offset, epoch }) => event(`resync ${kind} '${name}': history lost, live from offset ${offset ?? '?'} (epoch ${epoch ?? '?'})`, 'error'));
rt.on('error', (error) => event(`${error.code}: ${error.message}`, 'error'));
rt.on('direct', (frame) => log('direct', frame.offset, frame.from, frame.data));
$('reconnect').addEventListener('click', () => rt.reconnect());
showState();

// ---- live log ----

function log(where, offset, from, data, kind = '') {
  const tr = document.createElement('tr');
  tr.className = `fresh ${kind}`;
  for (const text of [new Date().toLocaleTimeString(), where, offset ?? '', from ?? '', JSON.stringify(data)]) {
    const td = document.createElement('td');
    td.textContent = String(text);
    tr.append(td);
  }
  $('log').prepend(tr);
  while ($('log').children.length > MAX_LOG_ROWS) $('log').lastChild.remove();
}

function record(key, offset) {
  (received[key] ??= []).push(offset);
}

// ---- channels ----

function renderSubscriptions() {
  const positions = rt.positions();
  $('subscriptions').replaceChildren(
    ...[...subscribed].map((key) => {
      const name = key.slice(key.indexOf(':') + 1);
      const li = document.createElement('li');
      const position = positions[key];
      li.innerHTML = '<span><strong></strong> <span class="hint"></span></span>';
      li.querySelector('strong').textContent = name;
      li.querySelector('.hint').textContent = position ? `offset ${position.offset} · epoch ${String(position.epoch ?? '').slice(0, 8)}` : 'live';
      const button = document.createElement('button');
      button.textContent = '✕';
      button.title = `unsubscribe from ${name}`;
      button.addEventListener('click', async () => {
        subscribed.delete(key);
        await rt.unsubscribe(name).catch((e) => event(`unsubscribe: ${e.message}`, 'error'));
        renderSubscriptions();
      });
      li.append(button);
      return li;
    }),
  );
}

/** The channel and pattern subscriptions made here, as `channel:news` / `pattern:metrics.*`. */
const subscribed = new Set();

$('subscribe-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const channel = $('subscribe-channel').value.trim();
  const key = `${/[*>]/.test(channel) ? 'pattern' : 'channel'}:${channel}`;
  subscribed.add(key);
  try {
    const ack = await rt.subscribe(channel, (m) => {
      record(m.channel, m.offset);
      log(m.pattern ? `${m.channel} (${m.pattern})` : m.channel, m.offset, m.from, m.data);
      renderSubscriptions();
    });
    event(`subscribed to ${channel} at offset ${ack.offset ?? '–'}`, 'good');
  } catch (error) {
    subscribed.delete(key);
    event(`subscribe ${channel}: ${error.code} ${error.message}`, 'error');
  }
  renderSubscriptions();
});

$('publish-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  let data;
  try {
    data = JSON.parse($('publish-data').value);
  } catch {
    data = $('publish-data').value;
  }
  try {
    const ack = await rt.publish($('publish-channel').value.trim(), data, { priority: $('publish-priority').value });
    $('publish-result').textContent = `stored at offset ${ack.offset}`;
  } catch (error) {
    $('publish-result').textContent = `${error.code}${error.retryAfterMs ? ` (retry in ${error.retryAfterMs} ms)` : ''}: ${error.message}`;
  }
});

// ---- rooms and presence ----

function renderMembers() {
  $('room-name').textContent = currentRoom ? `in ${currentRoom}` : '';
  $('members').replaceChildren(
    ...(currentRoom ? rt.members(currentRoom) : []).map((member) => {
      const li = document.createElement('li');
      li.dataset.status = member.status;
      li.innerHTML = '<span><span class="dot"></span><strong></strong></span><span class="hint"></span>';
      li.querySelector('strong').textContent = member.user;
      li.querySelector('.hint').textContent = member.status + (member.state ? ` · ${JSON.stringify(member.state)}` : '');
      return li;
    }),
  );
}

$('join-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const room = $('join-room').value.trim();
  if (currentRoom) await rt.leave(currentRoom).catch(() => {});
  currentRoom = room;
  try {
    await rt.join(room, (frame) => {
      record(`room:${room}`, frame.offset);
      if (frame.type === 'room') log(`room ${room}`, frame.offset, frame.from, frame.data, 'room');
      else log(`room ${room}`, frame.offset, frame.user, `presence: ${frame.status}`, 'room');
      renderMembers();
    });
    event(`joined room ${room}`, 'good');
  } catch (error) {
    currentRoom = undefined;
    event(`join ${room}: ${error.code} ${error.message}`, 'error');
  }
  renderMembers();
});

$('leave').addEventListener('click', async () => {
  if (!currentRoom) return;
  const room = currentRoom;
  currentRoom = undefined;
  await rt.leave(room).catch((error) => event(`leave: ${error.message}`, 'error'));
  renderMembers();
});

$('presence-status').addEventListener('change', async () => {
  try {
    await rt.setPresence($('presence-status').value);
  } catch (error) {
    event(`presence: ${error.code} ${error.message}`, 'error');
  }
});

$('room-send-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  if (!currentRoom) return event('join a room first', 'error');
  try {
    await rt.sendToRoom(currentRoom, 'chat.message', { text: $('room-text').value });
    $('room-text').value = '';
  } catch (error) {
    event(`room.send: ${error.code} ${error.message}`, 'error');
  }
});

// ---- admin REST (streams, cluster) ----

async function admin(method, path, body) {
  const key = $('api-key').value;
  const response = await fetch(path, {
    method,
    headers: { ...(key && { 'x-api-key': key }), ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  const json = text ? JSON.parse(text) : undefined;
  if (!response.ok) throw Object.assign(new Error(json?.detail ?? json?.title ?? `${response.status}`), { status: response.status, code: json?.code });
  return json;
}

// ---- streams ----

let followedStream;

function showStreamEvent(e) {
  record(`stream:${e.stream}`, e.offset);
  const li = document.createElement('li');
  li.textContent = `#${e.offset}  ${e.event ?? ''}  ${JSON.stringify(e.data)}`;
  $('stream-events').prepend(li);
}

$('stream-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const name = $('stream-name').value.trim();
  try {
    await admin('POST', '/api/streams', { name, type: $('stream-type').value });
    $('stream-status').textContent = `stream '${name}' created`;
  } catch (error) {
    if (error.status !== 409) {
      $('stream-status').textContent = `create: ${error.code ?? error.status} ${error.message}`;
      return;
    }
    $('stream-status').textContent = `stream '${name}' exists`;
  }
  if (followedStream) await rt.unsubscribeStream(followedStream).catch(() => {});
  followedStream = name;
  $('stream-events').replaceChildren();
  try {
    // From the start of what the stream retains: the stored events first, then live ones, without a gap between.
    await rt.subscribeStream(name, showStreamEvent, { since: { offset: 0 } });
    $('stream-status').textContent += ', following live';
  } catch (error) {
    // Gateways without live stream subscriptions answer bad_request: show the stored events over REST instead.
    followedStream = undefined;
    $('stream-status').textContent += ` (live view unavailable: ${error.message}; showing stored events)`;
    await readStream(name);
  }
});

async function readStream(name) {
  const page = await admin('GET', `/api/streams/${encodeURIComponent(name)}/events?from=1&limit=50`);
  $('stream-events').replaceChildren();
  for (const e of page.events) showStreamEvent({ ...e, stream: name });
}

$('append-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const name = $('stream-name').value.trim();
  try {
    const { offsets } = await admin('POST', `/api/streams/${encodeURIComponent(name)}/events`, { event: $('append-event').value, data: { at: new Date().toISOString() } });
    if (!followedStream) await readStream(name);
    $('stream-status').textContent = `appended at offset ${offsets[0]}`;
  } catch (error) {
    $('stream-status').textContent = `append: ${error.code ?? error.status} ${error.message}`;
  }
});

// ---- cluster ----

function rows(tbody, items, cells) {
  $(tbody).replaceChildren(
    ...items.map((item) => {
      const tr = document.createElement('tr');
      for (const text of cells(item)) {
        const td = document.createElement('td');
        td.textContent = String(text ?? '');
        tr.append(td);
      }
      return tr;
    }),
  );
}

let clusterTimer;
async function loadCluster() {
  try {
    const [cluster, connections] = await Promise.all([admin('GET', '/api/cluster'), admin('GET', '/api/connections')]);
    rows('gateways', cluster.gateways ?? [], (g) => [g.id, g.status, g.load?.connections?.total, g.load?.subscriptions, g.load?.deliveredPerSecond?.toFixed?.(1)]);
    rows('silos', cluster.silos ?? [], (s) => [s.name, s.address, s.status]);
    rows('connections', connections.connections ?? [], (c) => [c.connectionId.slice(0, 14) + '…', c.userId, c.transport, c.gateway, (c.channels ?? []).join(', ')]);
    $('cluster-status').textContent = `updated ${new Date().toLocaleTimeString()}`;
    return true;
  } catch (error) {
    clearInterval(clusterTimer);
    clusterTimer = undefined;
    $('cluster-status').textContent = `${error.code ?? error.status}: ${error.message}`;
    return false;
  }
}

$('cluster-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  if ((await loadCluster()) && !clusterTimer) clusterTimer = setInterval(loadCluster, 5_000);
});
