// One product: photos, price, MOQ, its supplier, and who else offers the same item.
import { api } from '../api.js';
import { h, put } from '../dom.js';
import { lang, number, t } from '../i18n.js';
import { can, me } from '../session.js';
import { errorText, moq, price, productThumb, supplierLine } from '../ui.js';
import { contactButton } from './contact.js';

function facts(product) {
  const rows = [
    [t('product.price'), price(product.price)],
    [t('product.moq_label'), moq(product.moq)],
    [t('product.lead_time'), product.lead_time_days === null ? t('product.ask')
      : t('product.days', { n: number(product.lead_time_days, 0) })],
    [t('product.category'), product.category],
    ...Object.entries(product.attributes || {}).map(([key, value]) => [key, String(value)]),
  ];
  return h('dl', { class: 'facts' }, rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

function offerItem(offer) {
  const s = offer.supplier;
  return h('li', { class: 'offer' },
    h('a', { href: `#/product/${encodeURIComponent(offer.product.id)}` },
      productThumb(offer.product, offer.product.title),
      h('span', { class: 'product-text' },
        h('span', { class: 'title' }, s.name),
        h('span', { class: 'price' }, price(offer.product.price)),
        h('span', { class: 'moq' }, moq(offer.product.moq)))),
    supplierLine(s));
}

async function offersSection(productId) {
  const section = h('section', { class: 'card', 'aria-labelledby': 'offers-title' },
    h('h2', { id: 'offers-title' }, t('product.also_offered')));
  try {
    const found = await api(`/v1/products/${encodeURIComponent(productId)}/offers`);
    const others = found.offers.filter((o) => o.product.id !== productId);
    put(section, others.length ? h('ul', { class: 'offers' }, others.map(offerItem))
      : h('p', { class: 'hint' }, t('product.no_offers')));
  } catch (error) {
    put(section, h('p', { class: 'hint' }, errorText(error)));
  }
  return section;
}

export async function productView(page, { id }) {
  const product = await api(`/v1/products/${encodeURIComponent(id)}`, { query: { language: lang() } });
  const shown = product.translated && product.translated.title ? product.translated : null;
  const title = shown ? shown.title : product.title;
  const description = shown && shown.description ? shown.description : product.description;
  const s = product.supplier;
  const photos = product.images.length
    ? h('div', { class: 'gallery' }, product.images.map((img, i) => h('img', {
      src: img.url, alt: t('product.photo_n', { title, n: i + 1 }), width: img.width, height: img.height,
    })))
    : productThumb(product, title);
  const actions = h('div', { class: 'actions' }, contactButton(s.id, product.id),
    me() === null || can.buy() ? h('a', { class: 'button secondary', href: `#/rfqs?text=${encodeURIComponent(title)}` }, t('product.request_quote')) : null);
  put(page,
    h('h1', {}, title),
    shown && shown.title !== product.title ? h('p', { class: 'hint', lang: 'en' }, product.title) : null,
    photos,
    facts(product),
    h('p', { class: 'description' }, description),
    h('section', { class: 'card', 'aria-labelledby': 'sold-by' },
      h('h2', { id: 'sold-by' }, t('product.sold_by')),
      h('p', {}, h('a', { href: `#/supplier/${encodeURIComponent(s.id)}` }, s.name)),
      supplierLine(s)),
    actions,
  );
  put(page, await offersSection(product.id));
}
