// A supplier: profile, what the platform verified, reviews in the reader's language.
// Buyers review it here; operators verify it and hide abusive reviews.
import { api } from '../api.js';
import { field, flag, h, put } from '../dom.js';
import { lang, number, t } from '../i18n.js';
import { go, reload } from '../router.js';
import { can } from '../session.js';
import { busy, checkName, moreButton, notify, onTap, rating, stars, translated, verifiedBadge, when } from '../ui.js';
import { contactButton } from './contact.js';

const REVIEWS_PAGE = 20;

export const CHECKS = ['business_licence', 'export_licence', 'factory_audit', 'on_site_inspection',
  'product_certification', 'quality_management', 'identity', 'bank_account'];

function verification(v, supplierId) {
  const item = h('li', {},
    h('strong', {}, v.checks.map(checkName).join(', ')), ' ',
    h('span', { class: 'hint' }, t('supplier.verified_on', { date: when(v.verified_at) }),
      v.expires_at ? ` · ${t('supplier.until', { date: when(v.expires_at) })}` : ''),
    v.note ? h('p', {}, v.note) : null);
  if (can.operate()) {
    const revoke = h('button', { type: 'button', class: 'secondary danger' }, t('operator.revoke'));
    put(item, onTap(revoke, async () => {
      await api(`/v1/suppliers/${encodeURIComponent(supplierId)}/verifications/${v.id}`, { method: 'DELETE' });
      notify(t('operator.revoked'));
      reload();
    }));
  }
  return item;
}

function verifyForm(supplierId) {
  const boxes = CHECKS.map((check) => h('label', { class: 'check' },
    h('input', { type: 'checkbox', name: 'checks', value: check }), ' ', checkName(check)));
  const form = h('form', { class: 'card', 'aria-labelledby': 'verify-title' },
    h('h2', { id: 'verify-title' }, t('operator.verify_title')),
    h('fieldset', {}, h('legend', {}, t('operator.checks')), boxes),
    field(t('operator.expires'), h('input', { type: 'date', name: 'expires' })),
    field(t('operator.note'), h('textarea', { name: 'note', rows: 2, maxlength: 2000 })),
    h('button', { type: 'submit' }, t('operator.verify')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(form, async () => {
      const data = new FormData(form);
      const expires = data.get('expires');
      await api(`/v1/suppliers/${encodeURIComponent(supplierId)}/verifications`, {
        method: 'POST',
        json: { checks: data.getAll('checks'), note: data.get('note'),
          expires_at: expires ? new Date(`${expires}T00:00:00Z`).toISOString() : null },
      });
      notify(t('operator.verified'));
      reload();
    });
  });
  return form;
}

function hideControl(review) {
  const reason = h('input', { type: 'text', name: 'reason', required: true, maxlength: 500 });
  const form = h('form', { class: 'inline' }, field(t('operator.hide_reason'), reason),
    h('button', { type: 'submit', class: 'secondary danger' }, t('operator.hide')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(form, async () => {
      await api(`/v1/reviews/${review.id}/hide`, { method: 'POST', json: { reason: reason.value } });
      notify(t('operator.hidden'));
      reload();
    });
  });
  return form;
}

function reviewItem(review) {
  return h('li', { class: 'review', dataset: { review: review.id } },
    h('p', {}, stars(review.rating), ' ', h('span', { class: 'hint' }, when(review.created_at))),
    review.text.original_text ? translated(review.text) : null,
    review.reply ? h('div', { class: 'reply' }, h('strong', {}, t('review.reply')), translated(review.reply)) : null,
    can.operate() ? hideControl(review) : null);
}

function reviewForm(supplierId) {
  const ratingSelect = h('select', { name: 'rating', required: true },
    [5, 4, 3, 2, 1].map((n) => h('option', { value: n }, t('review.stars', { n }))));
  const form = h('form', { class: 'card', id: 'review-form', 'aria-labelledby': 'review-title' },
    h('h2', { id: 'review-title' }, t('review.write')),
    field(t('review.rating'), ratingSelect),
    field(t('review.text'), h('textarea', { name: 'text', rows: 3, maxlength: 5000 })),
    h('button', { type: 'submit' }, t('review.send')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(form, async () => {
      const data = new FormData(form);
      await api(`/v1/suppliers/${encodeURIComponent(supplierId)}/reviews`, {
        method: 'POST', json: { rating: Number(data.get('rating')), text: data.get('text') },
      });
      notify(t('review.thanks'));
      go(`supplier/${encodeURIComponent(supplierId)}`); // without ?review: no scroll to the form
    });
  });
  return form;
}

/** The first page of reviews, and a button for each next one while there are more. */
function reviewList(path, first) {
  const list = h('ul', { class: 'reviews' }, first.reviews.map((r) => reviewItem(r)));
  let offset = first.next_offset;
  const more = offset !== null && moreButton(t('supplier.more_reviews'), async () => {
    const next = await api(`${path}/reviews`, { query: { language: lang(), limit: REVIEWS_PAGE, offset } });
    put(list, ...next.reviews.map((r) => reviewItem(r)));
    offset = next.next_offset;
    return offset !== null;
  });
  return [list, more || null];
}

export async function supplierView(page, { id }, query) {
  const path = `/v1/suppliers/${encodeURIComponent(id)}`;
  const [s, reviews] = await Promise.all([api(path),
    api(`${path}/reviews`, { query: { language: lang(), limit: REVIEWS_PAGE } })]);
  const facts = [
    [t('supplier.country'), flag(s.country)],
    [t('supplier.place'), [s.city, s.province].filter(Boolean).join(', ') || '—'],
    [t('supplier.languages'), s.languages.join(', ')],
    [t('supplier.years'), number(s.years_in_business, 0)],
    [t('supplier.response_rate'), `${number(s.response_rate * 100, 0)} %`],
  ];
  put(page,
    h('h1', {}, s.name),
    h('p', {}, verifiedBadge(s), ' ', rating(s)),
    h('dl', { class: 'facts' }, facts.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
    h('div', { class: 'actions' }, contactButton(s.id)),
    h('section', { class: 'card', 'aria-labelledby': 'checks-title' },
      h('h2', { id: 'checks-title' }, t('supplier.verification')),
      s.verifications.length ? h('ul', { class: 'verifications' }, s.verifications.map((v) => verification(v, s.id)))
        : h('p', { class: 'hint' }, t('supplier.not_verified'))),
    can.operate() ? verifyForm(s.id) : null,
    h('section', { class: 'card', 'aria-labelledby': 'reviews-title' },
      h('h2', { id: 'reviews-title' }, t('supplier.reviews')),
      reviews.reviews.length ? reviewList(path, reviews) : h('p', { class: 'hint' }, t('supplier.no_reviews'))),
    can.buy() ? reviewForm(s.id) : null,
  );
  if (query.review) page.querySelector('#review-form')?.scrollIntoView();
}
