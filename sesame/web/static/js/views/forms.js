// Inputs shared by several forms: currencies, dates a few weeks ahead, choices.
import { h } from '../dom.js';

export const CURRENCIES = ['USD', 'EUR', 'GBP', 'CNY', 'INR', 'VND', 'BRL', 'MXN', 'TRY', 'IDR', 'JPY', 'THB'];
export const INCOTERMS = ['FOB', 'EXW', 'FCA', 'FAS', 'CFR', 'CIF', 'CPT', 'CIP', 'DAP', 'DPU', 'DDP'];

export function options(name, values, selected) {
  return h('select', { name }, values.map((v) => h('option', { value: v, selected: v === selected }, v)));
}

/** yyyy-mm-dd, `days` from today. */
export function dayFromNow(days) {
  const when = new Date(Date.now() + days * 86400000);
  return when.toISOString().slice(0, 10);
}

/** The end of the chosen day, UTC, as the API's timestamps. */
export function endOfDay(day) {
  return new Date(`${day}T23:59:59Z`).toISOString();
}

export function numberOrNull(value) {
  return value === null || value === '' ? null : Number(value);
}

/** The country of the browser's locale (es-MX -> MX), for a sensible default. */
export function localCountry() {
  const tag = (navigator.languages || [navigator.language])[0] || '';
  const region = tag.split('-')[1];
  return region && /^[A-Za-z]{2}$/.test(region) ? region.toUpperCase() : '';
}
