// The fields of a product, for adding one and for editing it.
import { field, h } from '../dom.js';
import { t } from '../i18n.js';
import { CURRENCIES, numberOrNull, options } from './forms.js';

export function productFields(product = {}) {
  const p = product.price || {};
  const m = product.moq || {};
  const num = (name, value, step = 'any') => h('input', { type: 'number', name, min: 0, step, value: value ?? '', inputmode: 'decimal' });
  return [
    field(t('catalog.title_field'), h('input', { type: 'text', name: 'title', required: true, maxlength: 300, value: product.title || '' })),
    field(t('product.category'), h('input', { type: 'text', name: 'category', required: true, maxlength: 64, value: product.category || '' }), t('catalog.category_hint')),
    field(t('catalog.description'), h('textarea', { name: 'description', rows: 3, maxlength: 10000, value: product.description || '' })),
    h('fieldset', {}, h('legend', {}, t('product.price')),
      h('div', { class: 'row' },
        field(t('catalog.price_min'), num('price_min', p.min)),
        field(t('catalog.price_max'), num('price_max', p.max)),
        field(t('rfq.currency'), options('currency', CURRENCIES, p.currency || 'USD'))),
      h('p', { class: 'hint' }, t('catalog.price_hint'))),
    h('div', { class: 'row' },
      field(t('product.moq_label'), num('moq', m.quantity, '1')),
      field(t('rfq.unit'), h('input', { type: 'text', name: 'moq_unit', maxlength: 32, value: m.unit || 'pieces' }))),
    field(t('product.lead_time'), num('lead_time_days', product.lead_time_days, '1')),
  ];
}

/** The API body from the form: empty price or MOQ means "on request" (null). */
export function productBody(form) {
  const d = new FormData(form);
  const low = numberOrNull(d.get('price_min'));
  const high = numberOrNull(d.get('price_max'));
  const quantity = numberOrNull(d.get('moq'));
  return {
    title: d.get('title'), category: d.get('category'), description: d.get('description') || '',
    price: low === null && high === null ? null
      : { min: low ?? high, max: high ?? low, currency: d.get('currency') },
    moq: quantity === null ? null : { quantity, unit: d.get('moq_unit') || 'pieces' },
    lead_time_days: numberOrNull(d.get('lead_time_days')),
  };
}
