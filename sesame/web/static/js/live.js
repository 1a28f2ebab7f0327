// One live WebSocket per tab (GET /v1/ws), opened with a single-use ticket, reconnected.
import { api } from './api.js';

const handlers = new Set();
const stateListeners = new Set();
let socket = null;
let connecting = false; // a ticket is being fetched: no second socket meanwhile
let retry = 1000;
let timer = null;
let keepAlive = null;

function setState(value) {
  for (const listener of stateListeners) listener(value);
}

async function connect() {
  timer = null;
  if (!handlers.size || socket || connecting) return;
  connecting = true;
  let ticket;
  try {
    ticket = (await api('/v1/ws-tickets', { method: 'POST' })).ticket;
  } catch {
    schedule();
    return;
  } finally {
    connecting = false;
  }
  if (!handlers.size) return; // everyone left while the ticket was on its way
  const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
  const ws = new WebSocket(`${scheme}://${window.location.host}/v1/ws?ticket=${encodeURIComponent(ticket)}`);
  socket = ws;
  ws.addEventListener('open', () => {
    retry = 1000;
    setState('open');
    keepAlive = window.setInterval(() => ws.readyState === WebSocket.OPEN && ws.send('ping'), 25000);
  });
  ws.addEventListener('message', (event) => {
    let data;
    try { data = JSON.parse(event.data); } catch { return; }
    for (const handler of handlers) handler(data);
  });
  ws.addEventListener('close', () => {
    window.clearInterval(keepAlive);
    socket = null;
    setState('closed');
    schedule();
  });
}

function schedule() {
  if (!handlers.size || timer) return;
  timer = window.setTimeout(connect, retry);
  retry = Math.min(retry * 2, 30000);
}

/** Receive live events while subscribed; `onState('open'|'closed')` follows the socket. */
export function subscribe(handler, onState) {
  handlers.add(handler);
  if (onState) {
    stateListeners.add(onState);
    if (socket && socket.readyState === 1) onState('open');
  }
  connect();
  return () => {
    handlers.delete(handler);
    if (onState) stateListeners.delete(onState);
    if (!handlers.size && socket) socket.close(1000);
    if (!handlers.size && timer) { window.clearTimeout(timer); timer = null; }
  };
}
