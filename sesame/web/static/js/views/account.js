// Sign up (a buying company and its admin), sign in with a token, sign out.
import { api } from '../api.js';
import { field, h, put } from '../dom.js';
import { LANGUAGES, lang, t } from '../i18n.js';
import { go } from '../router.js';
import { me, signIn, signOut } from '../session.js';
import { busy, notify } from '../ui.js';

const NAMES = { en: 'English', es: 'Español', zh: '中文' };

function signUpForm(page) {
  const form = h('form', { class: 'card', id: 'sign-up', 'aria-labelledby': 'sign-up-title' },
    h('h2', { id: 'sign-up-title' }, t('account.sign_up')),
    field(t('account.name'), h('input', { type: 'text', name: 'name', required: true, maxlength: 200, autocomplete: 'name' })),
    field(t('account.company'), h('input', { type: 'text', name: 'company', maxlength: 200, autocomplete: 'organization' }), t('account.company_hint')),
    field(t('account.email'), h('input', { type: 'email', name: 'email', maxlength: 254, autocomplete: 'email' })),
    field(t('account.language'), h('select', { name: 'language' },
      LANGUAGES.map((code) => h('option', { value: code, selected: code === lang() }, NAMES[code])))),
    h('button', { type: 'submit' }, t('account.create')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(form, async () => {
      const data = new FormData(form);
      const body = { name: data.get('name'), language: data.get('language') };
      if (data.get('company')) body.company = data.get('company');
      if (data.get('email')) body.email = data.get('email');
      const made = await api('/v1/accounts', { method: 'POST', json: body });
      await signIn(made.token);
      page.replaceChildren(h('h1', {}, t('account.welcome', { name: made.account.name })),
        tokenNotice(made.token), h('a', { class: 'button', href: '#/' }, t('account.start')));
    });
  });
  return form;
}

/** A token is shown once: say so, and let the user copy it to sign in elsewhere. */
export function tokenNotice(token) {
  const box = h('input', { type: 'text', readonly: true, value: token, id: 'new-token', class: 'token' });
  return h('div', { class: 'card notice' }, field(t('account.your_token'), box, t('account.token_once')));
}

function signInForm() {
  const input = h('input', { type: 'password', name: 'token', required: true, autocomplete: 'current-password', id: 'token-input' });
  const form = h('form', { class: 'card', id: 'sign-in', 'aria-labelledby': 'sign-in-title' },
    h('h2', { id: 'sign-in-title' }, t('account.sign_in')),
    field(t('account.token'), input, t('account.token_hint')),
    h('button', { type: 'submit' }, t('account.sign_in')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(form, async () => {
      const who = await signIn(input.value);
      if (!who) throw new Error(t('account.bad_token'));
      notify(t('account.signed_in', { name: who.name }));
      go(who.supplier ? 'inbox' : '');
    });
  });
  return form;
}

export async function accountView(page) {
  const who = me();
  if (!who) {
    put(page, h('h1', {}, t('account.title')), h('p', { class: 'lead' }, t('account.lead')),
      signUpForm(page), signInForm());
    return;
  }
  const out = h('button', { type: 'button', class: 'secondary' }, t('account.sign_out'));
  out.addEventListener('click', async () => {
    await signOut();
    notify(t('account.signed_out'));
    go('');
  });
  put(page, h('h1', {}, who.name),
    h('dl', { class: 'facts' },
      h('dt', {}, t('account.kind')), h('dd', {}, t(`kind.${who.kind}`)),
      h('dt', {}, t('account.role')), h('dd', {}, t(`role.${who.role}`)),
      h('dt', {}, t('account.language')), h('dd', {}, NAMES[who.language] || who.language),
      who.supplier ? [h('dt', {}, t('account.supplier')), h('dd', {}, h('a', { href: `#/supplier/${encodeURIComponent(who.supplier)}` }, who.supplier))] : null),
    out);
}
