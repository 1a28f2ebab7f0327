// The app's entry point: language, session, tabs, routes and the service worker.
import { h } from './dom.js';
import { forgetLanguage, lang, pickLanguage, rememberLanguage, setLanguage, t } from './i18n.js';
import { parse, render, route } from './router.js';
import { can, loadMe, me, onChange } from './session.js';
import { errorBox } from './ui.js';
import { accountView } from './views/account.js';
import { catalogView, productEditView } from './views/catalog.js';
import { chatListView, chatView } from './views/chat.js';
import { companyView } from './views/company.js';
import { inboxView } from './views/inbox.js';
import { productView } from './views/product.js';
import { rfqListView, rfqView } from './views/rfq.js';
import { searchView } from './views/search.js';
import { supplierView } from './views/supplier.js';

const TABS = [
  { path: '', key: 'tab.search', icon: '⌕', show: () => true },
  { path: 'rfqs', key: 'tab.rfqs', icon: '✎', show: () => me() === null || can.buy() },
  { path: 'chats', key: 'tab.chats', icon: '✉', show: () => me() !== null && !can.operate() },
  { path: 'inbox', key: 'tab.inbox', icon: '☷', show: () => can.sell() },
  { path: 'catalog', key: 'tab.catalog', icon: '▦', show: () => can.sell() },
  { path: 'company', key: 'tab.company', icon: '⌂', show: () => me() !== null && !can.operate() },
  { path: 'account', key: 'tab.account', icon: '◉', show: () => true },
];

function renderTabs() {
  const nav = document.getElementById('tabs');
  const here = parse().path.split('/')[0];
  nav.setAttribute('aria-label', t('shell.main_nav'));
  nav.replaceChildren(h('ul', {}, TABS.filter((tab) => tab.show()).map((tab) => {
    const active = here === tab.path || (tab.path === '' && here === 'search');
    return h('li', {}, h('a', { href: `#/${tab.path}`, 'aria-current': active ? 'page' : null },
      h('span', { class: 'icon', 'aria-hidden': 'true' }, tab.icon), h('span', {}, t(tab.key))));
  })));
}

function showError(page, error) {
  page.replaceChildren(h('h1', {}, t('error.title')), errorBox(error),
    h('p', {}, h('a', { href: '#/' }, t('error.back'))));
}

async function refresh() {
  renderTabs();
  await render(document.getElementById('view'), showError);
  document.body.dataset.ready = 'true';
}

function routes() {
  route('', searchView);
  route('search', searchView);
  route('product/:id', productView);
  route('supplier/:id', supplierView);
  route('chats', chatListView);
  route('chat/:id', chatView);
  route('rfqs', rfqListView);
  route('rfq/:id', rfqView);
  route('inbox', inboxView);
  route('catalog', catalogView);
  route('catalog/:id', productEditView);
  route('company', companyView);
  route('account', accountView);
}

function languagePicker() {
  const select = document.getElementById('lang-select');
  select.value = lang();
  select.addEventListener('change', async () => {
    rememberLanguage(select.value);
    await setLanguage(select.value);
    await refresh();
  });
}

async function boot() {
  const who = await loadMe();
  await setLanguage(pickLanguage(who));
  routes();
  languagePicker();
  onChange(async (account) => {
    if (account) forgetLanguage(); // signed in: the account's language, until changed here
    await setLanguage(pickLanguage(account));
    document.getElementById('lang-select').value = lang();
    renderTabs();
  });
  window.addEventListener('hashchange', refresh);
  await refresh();
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => {});
  }
}

boot();
