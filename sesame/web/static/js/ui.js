// Pieces shared by the screens: notices, prices, ratings, badges, "original on tap".
import { flag, h, put } from './dom.js';
import { date, number, t } from './i18n.js';

let statusTimer = null;

/** A short notice, read out by screen readers (the #status live region). */
export function notify(message) {
  const status = document.getElementById('status');
  status.textContent = message;
  status.classList.toggle('shown', Boolean(message));
  window.clearTimeout(statusTimer);
  statusTimer = window.setTimeout(() => {
    status.textContent = '';
    status.classList.remove('shown');
  }, 6000);
}

/** What went wrong, in a sentence: the API's own, else one of ours; when to retry if it said. */
export function errorText(error) {
  let message = error.message;
  if (!message) message = error.status ? t('error.status', { status: error.status }) : t('error.offline');
  return error.retryAfter ? `${message} ${t('error.retry_after', { seconds: error.retryAfter })}` : message;
}

export function errorBox(error) {
  return h('p', { class: 'error', role: 'alert' }, t('error.generic', { message: errorText(error) }));
}

/** Run `work` when `button` is tapped: disabled meanwhile, an error shown beside it. */
export function onTap(button, work) {
  button.addEventListener('click', async () => {
    const shown = button.nextElementSibling;
    if (shown && shown.classList.contains('error')) shown.remove();
    button.disabled = true;
    try {
      await work();
    } catch (error) {
      button.after(errorBox(error));
    } finally {
      button.disabled = false;
    }
  });
  return button;
}

/** A button that loads one more page with `load`, which answers whether more remain. */
export function moreButton(label, load) {
  const button = h('button', { type: 'button', class: 'secondary more' }, label);
  return onTap(button, async () => { if (!(await load())) button.remove(); });
}

/** Run `work` for a form: the button is disabled meanwhile, an error shows inside the form. */
export async function busy(form, work) {
  const button = form.querySelector('button[type=submit]');
  form.querySelector('.error')?.remove();
  if (button) button.disabled = true;
  try {
    return await work();
  } catch (error) {
    put(form, errorBox(error));
    return undefined;
  } finally {
    if (button) button.disabled = false;
  }
}

export function price(p) {
  if (!p) return t('product.price_on_request');
  const low = number(p.min);
  const high = number(p.max);
  return low === high ? `${low} ${p.currency}` : `${low}–${high} ${p.currency}`;
}

export function moq(m) {
  if (!m) return t('product.moq_on_request');
  return t('product.moq', { quantity: number(m.quantity, 0), unit: m.unit });
}

export function rating(supplier) {
  return h('span', { class: 'rating' },
    h('span', { 'aria-hidden': 'true' }, '★ '),
    t('supplier.rating', { rating: number(supplier.rating, 1), count: supplier.review_count }));
}

export function stars(value) {
  return h('span', { class: 'stars', role: 'img', 'aria-label': t('review.stars', { n: value }) },
    '★'.repeat(value) + '☆'.repeat(5 - value));
}

export function checkName(check) {
  return t(`check.${check}`);
}

/** "Verified" with what was checked and until when, or nothing for an unverified supplier. */
export function verifiedBadge(supplier) {
  if (!supplier.verified) return null;
  const checks = (supplier.verifications || []).flatMap((v) => v.checks);
  const what = [...new Set(checks)].map(checkName).join(', ');
  const label = what ? t('supplier.verified_checks', { checks: what }) : t('supplier.verified');
  return h('span', { class: 'badge verified', title: label },
    h('span', { 'aria-hidden': 'true' }, '✔ '), t('supplier.verified'),
    what ? h('span', { class: 'visually-hidden' }, `: ${what}`) : null);
}

export function supplierLine(supplier) {
  const place = [supplier.city, supplier.province].filter(Boolean).join(', ');
  return h('p', { class: 'supplier-line' }, flag(supplier.country), ' ',
    place ? h('span', { class: 'place' }, place) : null, ' ', verifiedBadge(supplier), ' ',
    rating(supplier));
}

/**
 * A translated text (the API's TextOut/MessageOut shape) with its original one tap away.
 * Untranslated texts say why instead.
 */
export function translated(text, cls = 'said') {
  const shown = h('span', { class: 'text', lang: text.language }, text.text);
  const box = h('div', { class: cls }, shown);
  if (text.translated && text.original_text !== text.text) {
    const original = h('span', { class: 'original', lang: text.original_language, hidden: true },
      text.original_text);
    const toggle = h('button', { type: 'button', class: 'link', 'aria-expanded': 'false' },
      t('text.show_original', { language: text.original_language }));
    toggle.addEventListener('click', () => {
      const open = original.hidden;
      original.hidden = !open;
      toggle.setAttribute('aria-expanded', String(open));
      toggle.textContent = open ? t('text.hide_original')
        : t('text.show_original', { language: text.original_language });
    });
    put(box, original, toggle);
  } else if (text.untranslated_reason) {
    put(box, h('span', { class: 'hint' }, t('text.untranslated')));
  }
  return box;
}

export function when(value) {
  return value ? date(value) : '';
}

export function empty(message) {
  return h('p', { class: 'empty' }, message);
}

export function productThumb(product, title) {
  return product.image_url
    ? h('img', { src: product.image_url, alt: title, loading: 'lazy', width: 96, height: 96 })
    : h('div', { class: 'no-photo', role: 'img', 'aria-label': t('product.no_photo') });
}
