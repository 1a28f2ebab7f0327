// Supplier staff: conversations and the requests for quotation matched to them, in their language.
import { api } from '../api.js';
import { h, put } from '../dom.js';
import { lang, number, t } from '../i18n.js';
import { can } from '../session.js';
import { empty, when } from '../ui.js';
import { conversationItem } from './chat.js';

function inboxItem(rfq) {
  const quoted = rfq.my_quote ? t(`quote.status.${rfq.my_quote.status}`) : t('inbox.not_quoted');
  return h('li', {}, h('a', { href: `#/rfq/${rfq.id}?as=supplier`, class: 'row-link' },
    h('span', { class: 'title', lang: rfq.text.language }, rfq.text.text || t('rfq.photo_only')),
    h('span', { class: `state state-${rfq.state}` }, t(`rfq.state.${rfq.state}`)),
    h('span', { class: 'hint' }, t('rfq.summary', { quantity: number(rfq.quantity, 0), unit: rfq.unit, date: when(rfq.deadline) }),
      ` · ${rfq.destination_country} · ${quoted}`)));
}

export async function inboxView(page) {
  put(page, h('h1', {}, t('inbox.title')));
  if (!can.sell()) {
    put(page, empty(t('inbox.sellers_only')));
    return;
  }
  const [talks, rfqs] = await Promise.all([
    api('/v1/conversations', { query: { limit: 50 } }),
    api('/v1/rfq-inbox', { query: { language: lang(), limit: 50 } }),
  ]);
  put(page,
    h('section', { 'aria-labelledby': 'inbox-rfqs' }, h('h2', { id: 'inbox-rfqs' }, t('inbox.rfqs')),
      rfqs.rfqs.length ? h('ul', { class: 'list' }, rfqs.rfqs.map(inboxItem)) : empty(t('inbox.no_rfqs'))),
    h('section', { 'aria-labelledby': 'inbox-chats' }, h('h2', { id: 'inbox-chats' }, t('inbox.chats')),
      talks.conversations.length ? h('ul', { class: 'list' }, talks.conversations.map(conversationItem)) : empty(t('chat.none'))));
}
