// Conversations: each message in the reader's language, the original on tap, live.
import { api } from '../api.js';
import { h, put } from '../dom.js';
import { t, time } from '../i18n.js';
import { subscribe } from '../live.js';
import { me } from '../session.js';
import { busy, empty, errorBox, moreButton, translated, when } from '../ui.js';

const PAGE = 50; // conversations or messages per request

function clientId() {
  if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}

function partyName(conversation) {
  const who = me();
  if (who && who.supplier === conversation.supplier_id) return t('chat.buyer', { id: conversation.buyer_id });
  return conversation.supplier_name;
}

export function conversationItem(conversation) {
  return h('li', {}, h('a', { href: `#/chat/${conversation.id}`, class: 'row-link' },
    h('span', { class: 'title' }, partyName(conversation)),
    conversation.product_id ? h('span', { class: 'hint' }, conversation.product_id) : null,
    h('span', { class: 'hint' }, when(conversation.updated_at))));
}

export async function chatListView(page) {
  put(page, h('h1', {}, t('chat.list_title')));
  if (!me()) {
    put(page, h('p', {}, h('a', { href: '#/account' }, t('account.sign_in_first'))));
    return;
  }
  const found = await api('/v1/conversations', { query: { limit: PAGE } });
  if (!found.conversations.length) {
    put(page, empty(t('chat.none')));
    return;
  }
  const list = h('ul', { class: 'list', id: 'conversations' }, found.conversations.map(conversationItem));
  put(page, list);
  let cursor = found.next_cursor;
  if (cursor) {
    put(page, moreButton(t('chat.more'), async () => { // the page after the last one shown
      const next = await api('/v1/conversations', { query: { limit: PAGE, cursor } });
      put(list, ...next.conversations.map(conversationItem));
      cursor = next.next_cursor;
      return Boolean(cursor);
    }));
  }
}

function bubble(message) {
  const mine = me() && message.sender_id === me().id;
  return h('li', { class: `message ${mine ? 'mine' : 'theirs'}`, dataset: { message: message.id } },
    translated(message, 'said'),
    h('span', { class: 'meta' }, time(message.created_at)));
}

export async function chatView(page, { id }) {
  const conversationId = Number(id);
  const [conversation, history] = await Promise.all([
    api(`/v1/conversations/${conversationId}`),
    api(`/v1/conversations/${conversationId}/messages`, { query: { limit: PAGE } }),
  ]);
  const log = h('ol', { class: 'messages', 'aria-live': 'polite', 'aria-label': t('chat.messages') });
  const shown = new Set();
  const add = (message) => {
    if (shown.has(message.id)) return;
    shown.add(message.id);
    put(log, bubble(message));
    log.lastElementChild.scrollIntoView({ block: 'end' });
  };
  history.messages.slice().reverse().forEach(add);
  let before = history.next_before;
  const earlier = before && moreButton(t('chat.earlier'), async () => { // older, on top
    const older = await api(`/v1/conversations/${conversationId}/messages`, { query: { limit: PAGE, before } });
    const fresh = older.messages.filter((message) => !shown.has(message.id));
    fresh.forEach((message) => shown.add(message.id));
    log.prepend(...fresh.reverse().map(bubble));
    before = older.next_before;
    return Boolean(before);
  });

  const input = h('textarea', { name: 'text', rows: 2, required: true, maxlength: 20000, id: 'chat-text' });
  const form = h('form', { class: 'composer' },
    h('label', { for: 'chat-text', class: 'visually-hidden' }, t('chat.write')), input,
    h('button', { type: 'submit' }, t('chat.send')));
  let draft = null;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    if (!draft || draft.text !== text) draft = { text, id: clientId() }; // a retry reuses its id
    busy(form, async () => {
      const posted = await api(`/v1/conversations/${conversationId}/messages`, {
        method: 'POST', json: { text, client_id: draft.id },
      });
      input.value = '';
      draft = null;
      add(posted);
    });
  });
  const liveState = h('p', { class: 'hint live-state', dataset: { live: 'connecting' } }, t('chat.connecting'));
  page.dataset.live = 'connecting';
  put(page,
    h('h1', {}, conversation ? partyName(conversation) : t('chat.title')),
    conversation && conversation.product_id
      ? h('p', {}, h('a', { href: `#/product/${encodeURIComponent(conversation.product_id)}` }, t('chat.about_product')))
      : null,
    liveState, earlier || null, log, form);
  return subscribe((event) => {
    if (event.type === 'message' && event.message.conversation_id === conversationId) add(event.message);
  }, async (state) => {
    page.dataset.live = state;
    liveState.dataset.live = state;
    liveState.textContent = state === 'open' ? t('chat.live') : t('chat.connecting');
    if (state !== 'open') return;
    try { // catch up on what arrived while the socket was down
      const latest = await api(`/v1/conversations/${conversationId}/messages`, { query: { limit: PAGE } });
      latest.messages.slice().reverse().forEach(add);
    } catch (error) {
      put(page, errorBox(error));
    }
  });
}
