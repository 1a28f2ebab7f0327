// Interface strings come from message files (/static/i18n/<lang>.json), English as fallback.
export const LANGUAGES = ['en', 'es', 'zh'];
const LOCALES = { en: 'en', es: 'es', zh: 'zh-CN' };
const KEY = 'sesame.language';
const state = { lang: 'en', messages: {}, fallback: {} };

async function load(lang) {
  const response = await fetch(`/static/i18n/${lang}.json`);
  return response.json();
}

/** The language: chosen on this device, else the account's, else the browser's. */
export function pickLanguage(account) {
  const chosen = window.localStorage.getItem(KEY);
  if (chosen && LANGUAGES.includes(chosen)) return chosen;
  if (account && LANGUAGES.includes(account.language)) return account.language;
  for (const tag of navigator.languages || [navigator.language]) {
    const base = String(tag).toLowerCase().split('-')[0];
    if (LANGUAGES.includes(base)) return base;
  }
  return 'en';
}

export function rememberLanguage(lang) {
  window.localStorage.setItem(KEY, lang);
}

export function forgetLanguage() {
  window.localStorage.removeItem(KEY);
}

export async function setLanguage(lang) {
  const wanted = LANGUAGES.includes(lang) ? lang : 'en';
  if (!Object.keys(state.fallback).length) state.fallback = await load('en');
  state.messages = wanted === 'en' ? state.fallback : await load(wanted);
  state.lang = wanted;
  document.documentElement.lang = LOCALES[wanted];
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
}

export function lang() {
  return state.lang;
}

/** t('product.moq', {quantity: 500, unit: 'pieces'}) */
export function t(key, vars = {}) {
  const text = state.messages[key] ?? state.fallback[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (name in vars ? String(vars[name]) : `{${name}}`));
}

export function number(value, digits = 2) {
  return new Intl.NumberFormat(LOCALES[state.lang], { maximumFractionDigits: digits })
    .format(value);
}

export function date(value) {
  return new Intl.DateTimeFormat(LOCALES[state.lang], { dateStyle: 'medium' })
    .format(new Date(value));
}

export function time(value) {
  return new Intl.DateTimeFormat(LOCALES[state.lang], { timeStyle: 'short' })
    .format(new Date(value));
}
