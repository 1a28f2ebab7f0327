// The company: members and invitations; its supplier profile (start selling, edit it).
import { api } from '../api.js';
import { field, h, put } from '../dom.js';
import { LANGUAGES, lang, t } from '../i18n.js';
import { reload } from '../router.js';
import { can, me, reloadMe } from '../session.js';
import { busy, notify } from '../ui.js';
import { tokenNotice } from './account.js';

function profileFields(s = {}) {
  return [
    field(t('company.supplier_name'), h('input', { type: 'text', name: 'name', required: true, maxlength: 200, value: s.name || '' })),
    s.id ? null : field(t('supplier.country'), h('input', { type: 'text', name: 'country', required: true, pattern: '[A-Za-z]{2}', maxlength: 2, value: s.country || '' }), t('rfq.destination_hint')),
    h('div', { class: 'row' },
      field(t('company.province'), h('input', { type: 'text', name: 'province', maxlength: 100, value: s.province || '' })),
      field(t('company.city'), h('input', { type: 'text', name: 'city', maxlength: 100, value: s.city || '' }))),
    field(t('supplier.languages'), h('input', { type: 'text', name: 'languages', value: (s.languages || [lang()]).join(', ') }), t('company.languages_hint')),
    field(t('supplier.years'), h('input', { type: 'number', name: 'years_in_business', min: 0, max: 500, step: 1, value: s.years_in_business ?? 0 })),
  ];
}

function profileBody(form) {
  const d = new FormData(form);
  const body = {
    name: d.get('name'), province: d.get('province'), city: d.get('city'),
    languages: String(d.get('languages') || '').split(',').map((x) => x.trim().toLowerCase()).filter(Boolean),
    years_in_business: Number(d.get('years_in_business') || 0),
  };
  if (d.get('country')) body.country = String(d.get('country')).toUpperCase();
  return body;
}

function profileForm(supplier) {
  const form = h('form', { class: 'card', id: 'profile-form', 'aria-labelledby': 'profile-title' },
    h('h2', { id: 'profile-title' }, supplier ? t('company.profile') : t('company.start_selling')),
    supplier ? null : h('p', { class: 'hint' }, t('company.start_hint')),
    profileFields(supplier || {}), h('button', { type: 'submit' }, t('catalog.save')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(form, async () => {
      if (supplier) {
        await api(`/v1/suppliers/${encodeURIComponent(supplier.id)}`, { method: 'PATCH', json: profileBody(form) });
      } else {
        await api('/v1/suppliers', { method: 'POST', json: profileBody(form) });
        await reloadMe();
      }
      notify(t('catalog.saved'));
      reload();
    });
  });
  return form;
}

function inviteForm() {
  const result = h('div', {});
  const form = h('form', { class: 'card', id: 'invite-form', 'aria-labelledby': 'invite-title' },
    h('h2', { id: 'invite-title' }, t('company.invite')),
    field(t('account.name'), h('input', { type: 'text', name: 'name', required: true, maxlength: 200 })),
    field(t('account.language'), h('select', { name: 'language' }, LANGUAGES.map((c) => h('option', { value: c, selected: c === lang() }, t(`language.${c}`))))),
    field(t('account.role'), h('select', { name: 'role' },
      h('option', { value: 'staff' }, t('role.staff')), h('option', { value: 'admin' }, t('role.admin')))),
    h('button', { type: 'submit' }, t('company.invite_send')), result);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(form, async () => {
      const d = new FormData(form);
      const made = await api('/v1/companies/me/members', {
        method: 'POST', json: { name: d.get('name'), language: d.get('language'), role: d.get('role') },
      });
      result.replaceChildren(tokenNotice(made.token));
    });
  });
  return form;
}

export async function companyView(page) {
  if (!me()) {
    put(page, h('h1', {}, t('tab.company')), h('a', { href: '#/account' }, t('account.sign_in_first')));
    return;
  }
  const company = await api('/v1/companies/me');
  const supplier = company.supplier ? await api(`/v1/suppliers/${encodeURIComponent(company.supplier)}`) : null;
  const roles = [company.buys ? t('company.buys') : null, company.sells ? t('company.sells') : null].filter(Boolean);
  put(page,
    h('h1', {}, company.name),
    h('p', {}, roles.join(' · ')),
    supplier ? h('p', {}, h('a', { href: `#/supplier/${encodeURIComponent(supplier.id)}` }, t('company.public_page'))) : null,
    can.admin() ? profileForm(supplier) : null,
    h('section', { class: 'card', 'aria-labelledby': 'members-title' }, h('h2', { id: 'members-title' }, t('company.members')),
      h('ul', { class: 'list' }, company.members.map((m) => h('li', {}, `${m.name} · ${t(`role.${m.role}`)} · ${m.language}`)))),
    can.admin() ? inviteForm() : null);
}
