// Search results: suppliers with their products, and the filters over them.
import { field, h } from '../dom.js';
import { t } from '../i18n.js';
import { empty, moq, price, productThumb, supplierLine } from '../ui.js';

// Countries and categories seen in answers so far: the choices the filters offer.
const known = { countries: new Set(), categories: new Set() };

export function remember(response) {
  for (const group of response.results) {
    known.countries.add(group.supplier.country);
    for (const product of group.products) known.categories.add(product.category);
  }
}

export function filtersOf(query) {
  const filters = {};
  if (query.country) filters.countries = [query.country];
  if (query.category) filters.categories = [query.category];
  return filters;
}

function choice(name, label, values, selected) {
  const select = h('select', { name },
    h('option', { value: '' }, t('filters.any')),
    [...values].sort().map((v) => h('option', { value: v, selected: v === selected }, v)));
  return field(label, select);
}

function numberInput(name, value, step = 'any', min = '0') {
  return h('input', { type: 'number', name, min, step, inputmode: 'decimal', value: value ?? '' });
}

/** The filter form; `apply(filters)` receives the API's filter object. */
export function filterPanel(filters, apply) {
  const form = h('form', { class: 'filters' },
    choice('countries', t('filters.country'), known.countries, (filters.countries || [])[0]),
    choice('categories', t('filters.category'), known.categories, (filters.categories || [])[0]),
    h('div', { class: 'field check' }, h('label', {},
      h('input', { type: 'checkbox', name: 'verified_only', checked: Boolean(filters.verified_only) }),
      ' ', t('filters.verified'))),
    h('div', { class: 'row' },
      field(t('filters.price_min'), numberInput('price_min_usd', filters.price_min_usd)),
      field(t('filters.price_max'), numberInput('price_max_usd', filters.price_max_usd))),
    field(t('filters.max_moq'), numberInput('max_moq', filters.max_moq, '1', '1')),
    h('button', { type: 'submit' }, t('filters.apply')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const out = {};
    for (const key of ['countries', 'categories']) if (data.get(key)) out[key] = [data.get(key)];
    if (data.get('verified_only')) out.verified_only = true;
    for (const key of ['price_min_usd', 'price_max_usd']) if (data.get(key)) out[key] = Number(data.get(key));
    if (data.get('max_moq')) out.max_moq = Number.parseInt(data.get('max_moq'), 10);
    apply(out);
  });
  const active = Object.keys(filters).length;
  return h('details', { class: 'filter-panel', open: active > 0 },
    h('summary', {}, active ? t('filters.title_active', { n: active }) : t('filters.title')), form);
}

function summary(response) {
  const q = response.query;
  if (response.mode === 'image') return t('results.photo');
  if (q && q.searched !== q.original) {
    return t('results.searched_translated', { searched: q.searched, original: q.original, language: q.language });
  }
  return t('results.searched', { query: q ? q.searched : '' });
}

function productItem(product) {
  const title = (product.translated && product.translated.title) || product.title;
  return h('li', { class: 'product', dataset: { product: product.id } },
    h('a', { href: `#/product/${encodeURIComponent(product.id)}` },
      productThumb(product, title),
      h('span', { class: 'product-text' },
        h('span', { class: 'title' }, title),
        h('span', { class: 'price' }, price(product.price)),
        h('span', { class: 'moq' }, moq(product.moq)),
        product.also_offered_by ? h('span', { class: 'hint' }, t('results.also_offered', { n: product.also_offered_by })) : null)));
}

function supplierCard(group) {
  const s = group.supplier;
  return h('article', { class: 'card supplier-card', dataset: { supplier: s.id } },
    h('h3', {}, h('a', { href: `#/supplier/${encodeURIComponent(s.id)}` }, s.name)),
    supplierLine(s),
    group.reason_codes && group.reason_codes.length
      ? h('p', { class: 'hint reasons' }, group.reason_codes.map((code) => t(`reason.${code}`)).join(' · ')) : null,
    h('ul', { class: 'products' }, group.products.map(productItem)));
}

export function resultsView(state, more) {
  const response = state.response;
  const heading = h('h2', { id: 'results-title' }, t('results.title'));
  const parts = [heading, h('p', { class: 'searched' }, summary(response)),
    h('p', { class: 'hint' }, t('results.count', { n: response.page.total }))];
  for (const note of response.notes || []) parts.push(h('p', { class: 'hint note' }, note));
  if (!state.groups.length) parts.push(empty(t('results.none')));
  parts.push(h('div', { class: 'supplier-list' }, state.groups.map(supplierCard)));
  if (response.page.next_offset !== null) {
    const button = h('button', { type: 'button', class: 'secondary' }, t('results.more'));
    button.addEventListener('click', () => { button.disabled = true; more(); });
    parts.push(button);
  }
  return h('div', {}, parts);
}
