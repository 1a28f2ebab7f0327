// Who is signed in on this device: the token, and the account it belongs to (GET /v1/me).
import { api } from './api.js';
import { setToken, token } from './session-store.js';

const state = { me: null };
const listeners = new Set();

export function me() {
  return state.me;
}

export function onChange(listener) {
  listeners.add(listener);
}

function changed() {
  for (const listener of listeners) listener(state.me);
}

/** Load the account behind the stored token; a token the server refuses is forgotten. */
export async function loadMe() {
  if (!token()) {
    state.me = null;
    return null;
  }
  try {
    state.me = await api('/v1/me');
  } catch (error) {
    if (error.status === 401) setToken(null);
    state.me = null;
  }
  return state.me;
}

export async function signIn(newToken) {
  setToken(newToken.trim());
  const who = await loadMe();
  changed();
  return who;
}

export async function signOut() {
  try {
    await api('/v1/me/tokens/revoke', { method: 'POST' });
  } finally {
    setToken(null);
    state.me = null;
    changed();
  }
}

export const can = {
  buy: () => state.me !== null && state.me.kind === 'buyer',
  sell: () => state.me !== null && Boolean(state.me.supplier),
  operate: () => state.me !== null && state.me.kind === 'operator',
  admin: () => state.me !== null && state.me.role === 'admin',
};

/** Read the account again (its company may have started selling). */
export async function reloadMe() {
  const who = await loadMe();
  changed();
  return who;
}
