// Requests for quotation: buyers post one (text and/or photo), compare quotes side by side,
// accept one and review the supplier; matched suppliers answer with a quote.
import { api } from '../api.js';
import { field, flag, h, put } from '../dom.js';
import { lang, number, t } from '../i18n.js';
import { go, reload } from '../router.js';
import { can, me } from '../session.js';
import { busy, empty, notify, onTap, rating, translated, when } from '../ui.js';
import { CURRENCIES, INCOTERMS, dayFromNow, endOfDay, localCountry, numberOrNull, options } from './forms.js';

function newRfqForm(prefill) {
  const photo = h('input', { type: 'file', name: 'image', accept: 'image/*', id: 'rfq-photo' });
  const form = h('form', { class: 'card', id: 'rfq-form', 'aria-labelledby': 'rfq-new-title' },
    h('h2', { id: 'rfq-new-title' }, t('rfq.new_title')),
    field(t('rfq.text'), h('textarea', { name: 'text', rows: 3, maxlength: 5000, value: prefill || '' }), t('rfq.text_hint')),
    field(t('rfq.photo'), photo),
    h('div', { class: 'row' },
      field(t('rfq.quantity'), h('input', { type: 'number', name: 'quantity', min: 1, step: 1, required: true, inputmode: 'numeric' })),
      field(t('rfq.unit'), h('input', { type: 'text', name: 'unit', value: 'pieces', maxlength: 32 }))),
    h('div', { class: 'row' },
      field(t('rfq.target_price'), h('input', { type: 'number', name: 'target_price', min: 0, step: 'any', inputmode: 'decimal' })),
      field(t('rfq.currency'), options('currency', CURRENCIES, 'USD'))),
    h('div', { class: 'row' },
      field(t('rfq.destination'), h('input', { type: 'text', name: 'destination_country', required: true, pattern: '[A-Za-z]{2}', maxlength: 2, value: localCountry(), autocomplete: 'country' }), t('rfq.destination_hint')),
      field(t('rfq.deadline'), h('input', { type: 'date', name: 'deadline', required: true, value: dayFromNow(30) }))),
    field(t('rfq.countries'), h('input', { type: 'text', name: 'countries', placeholder: 'CN, VN' }), t('rfq.countries_hint')),
    h('div', { class: 'field check' }, h('label', {}, h('input', { type: 'checkbox', name: 'verified_only' }), ' ', t('filters.verified'))),
    h('button', { type: 'submit' }, t('rfq.post')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(form, async () => {
      const data = new FormData(form);
      const body = {
        text: data.get('text'), quantity: Number(data.get('quantity')), unit: data.get('unit') || 'pieces',
        target_price: numberOrNull(data.get('target_price')), currency: data.get('currency'),
        destination_country: String(data.get('destination_country')).toUpperCase(),
        deadline: endOfDay(data.get('deadline')), verified_only: Boolean(data.get('verified_only')),
        countries: String(data.get('countries') || '').split(',').map((c) => c.trim().toUpperCase()).filter(Boolean),
      };
      let posted;
      if (photo.files[0]) {
        const multipart = new FormData();
        multipart.append('rfq', JSON.stringify(body));
        multipart.append('image', photo.files[0]);
        posted = await api('/v1/rfqs', { method: 'POST', form: multipart });
      } else {
        posted = await api('/v1/rfqs', { method: 'POST', json: body });
      }
      notify(t('rfq.posted', { n: posted.matched.length }));
      go(`rfq/${posted.id}`);
    });
  });
  return form;
}

function rfqItem(rfq, suffix = '') {
  return h('li', {}, h('a', { href: `#/rfq/${rfq.id}${suffix}`, class: 'row-link' },
    h('span', { class: 'title' }, rfq.text.text || t('rfq.photo_only')),
    h('span', { class: `state state-${rfq.state}` }, t(`rfq.state.${rfq.state}`)),
    h('span', { class: 'hint' }, t('rfq.summary', { quantity: number(rfq.quantity, 0), unit: rfq.unit, date: when(rfq.deadline) }))));
}

export async function rfqListView(page, _params, query) {
  put(page, h('h1', {}, t('rfq.list_title')));
  if (!me()) {
    put(page, h('p', {}, t('rfq.sign_in')), h('a', { class: 'button', href: '#/account' }, t('account.sign_in')));
    return;
  }
  put(page, newRfqForm(query.text));
  const mine = await api('/v1/rfqs', { query: { language: lang(), limit: 50 } });
  put(page, h('section', { 'aria-labelledby': 'my-rfqs' }, h('h2', { id: 'my-rfqs' }, t('rfq.mine')),
    mine.rfqs.length ? h('ul', { class: 'list' }, mine.rfqs.map((r) => rfqItem(r))) : empty(t('rfq.none'))));
}

function quoteCard(quote, rfq) {
  const s = quote.supplier;
  const accepted = quote.status === 'accepted';
  const card = h('article', { class: `quote ${accepted ? 'accepted' : ''}`, dataset: { quote: quote.id, supplier: s.id } },
    h('h3', {}, h('a', { href: `#/supplier/${encodeURIComponent(s.id)}` }, s.name)),
    h('p', {}, flag(s.country), ' ', s.verified ? h('span', { class: 'badge verified' }, t('supplier.verified')) : null, ' ', rating(s)),
    h('p', { class: 'big-price' }, `${number(quote.converted.amount)} ${quote.converted.currency}`,
      h('span', { class: 'hint' }, ` ${t('rfq.per_unit', { unit: rfq.unit })}`)),
    quote.unit_price.currency !== quote.converted.currency ? h('p', { class: 'hint' }, `${number(quote.unit_price.amount)} ${quote.unit_price.currency}`) : null,
    h('dl', { class: 'facts' },
      h('dt', {}, t('product.moq_label')), h('dd', {}, number(quote.moq, 0)),
      h('dt', {}, t('product.lead_time')), h('dd', {}, t('product.days', { n: quote.lead_time_days })),
      h('dt', {}, t('rfq.incoterm')), h('dd', {}, quote.incoterm),
      h('dt', {}, t('rfq.valid_until')), h('dd', {}, when(quote.valid_until))),
    quote.message.original_text ? translated(quote.message) : null,
    h('p', { class: `state state-${quote.status}` }, t(`quote.status.${quote.status}`)));
  if (rfq.state === 'open' && quote.status === 'submitted' && rfq.matched.length) {
    const accept = h('button', { type: 'button', class: 'accept' }, t('rfq.accept'));
    put(card, onTap(accept, async () => {
      await api(`/v1/rfqs/${rfq.id}/quotes/${quote.id}/accept`, { method: 'POST' });
      notify(t('rfq.accepted', { name: s.name }));
      reload();
    }));
  }
  if (accepted && can.buy()) {
    put(card, h('a', { class: 'button secondary', href: `#/supplier/${encodeURIComponent(s.id)}?review=1` }, t('rfq.review_supplier')));
  }
  if (quote.conversation_id) put(card, h('a', { href: `#/chat/${quote.conversation_id}` }, t('rfq.open_chat')));
  return card;
}

function quoteForm(rfq) {
  const form = h('form', { class: 'card', id: 'quote-form', 'aria-labelledby': 'quote-title' },
    h('h2', { id: 'quote-title' }, t('quote.title')),
    h('div', { class: 'row' },
      field(t('quote.unit_price'), h('input', { type: 'number', name: 'unit_price', min: 0, step: 'any', required: true, inputmode: 'decimal' })),
      field(t('rfq.currency'), options('currency', CURRENCIES, rfq.target_price ? rfq.target_price.currency : 'USD'))),
    h('div', { class: 'row' },
      field(t('product.moq_label'), h('input', { type: 'number', name: 'moq', min: 1, step: 1, required: true, value: rfq.quantity })),
      field(t('quote.lead_time'), h('input', { type: 'number', name: 'lead_time_days', min: 0, step: 1, required: true, value: 30 }))),
    h('div', { class: 'row' },
      field(t('rfq.incoterm'), options('incoterm', INCOTERMS, 'FOB')),
      field(t('rfq.valid_until'), h('input', { type: 'date', name: 'valid_until', required: true, value: dayFromNow(30) }))),
    field(t('quote.message'), h('textarea', { name: 'message', rows: 3, maxlength: 5000 })),
    h('button', { type: 'submit' }, t('quote.send')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(form, async () => {
      const d = new FormData(form);
      await api(`/v1/rfqs/${rfq.id}/quotes`, {
        method: 'POST',
        json: { unit_price: Number(d.get('unit_price')), currency: d.get('currency'), moq: Number(d.get('moq')),
          lead_time_days: Number(d.get('lead_time_days')), incoterm: d.get('incoterm'),
          valid_until: endOfDay(d.get('valid_until')), message: d.get('message') },
      });
      notify(t('quote.sent'));
      reload();
    });
  });
  return form;
}

export async function rfqView(page, { id }, query) {
  const rfq = await api(`/v1/rfqs/${Number(id)}`, { query: { language: lang() } });
  const asSupplier = query.as === 'supplier';
  put(page,
    h('h1', {}, t('rfq.title', { id: rfq.id })),
    h('p', {}, h('span', { class: `state state-${rfq.state}` }, t(`rfq.state.${rfq.state}`))),
    rfq.text.original_text ? translated(rfq.text, 'said rfq-text') : h('p', {}, t('rfq.photo_only')),
    h('dl', { class: 'facts' },
      h('dt', {}, t('rfq.quantity')), h('dd', {}, `${number(rfq.quantity, 0)} ${rfq.unit}`),
      h('dt', {}, t('rfq.target_price')), h('dd', {}, rfq.target_price ? `${number(rfq.target_price.amount)} ${rfq.target_price.currency}` : '—'),
      h('dt', {}, t('rfq.destination')), h('dd', {}, flag(rfq.destination_country)),
      h('dt', {}, t('rfq.deadline')), h('dd', {}, when(rfq.deadline))),
    asSupplier ? null : h('p', { class: 'hint' }, t('rfq.matched', { n: rfq.matched.length })),
    rfq.match_note ? h('p', { class: 'hint' }, rfq.match_note) : null);
  if (asSupplier && !rfq.quotes.length && rfq.state === 'open') {
    put(page, quoteForm(rfq));
  }
  put(page, h('section', { 'aria-labelledby': 'quotes-title' },
    h('h2', { id: 'quotes-title' }, asSupplier ? t('quote.yours') : t('rfq.quotes', { n: rfq.quotes.length })),
    rfq.quotes.length ? h('div', { class: 'quotes', role: 'list' }, rfq.quotes.map((q) => {
      const card = quoteCard(q, rfq);
      card.setAttribute('role', 'listitem');
      return card;
    })) : empty(asSupplier ? t('quote.none_yet') : t('rfq.no_quotes'))));
}
