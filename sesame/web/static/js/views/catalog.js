// Supplier staff: the company's own products (pending until searchable), photos, catalog zips.
import { api, upload } from '../api.js';
import { field, h, put } from '../dom.js';
import { t } from '../i18n.js';
import { go, reload } from '../router.js';
import { me } from '../session.js';
import { busy, empty, errorBox, errorText, notify, onTap, productThumb } from '../ui.js';
import { productBody, productFields } from './product-form.js';

const POLL_MS = 1000;

function statusBadge(product) {
  return h('span', { class: `state state-${product.status}`, title: product.status_reason || null },
    t(`catalog.status.${product.status}`));
}

function deleteButton(product, done) {
  const button = h('button', { type: 'button', class: 'secondary danger' }, t('catalog.delete'));
  let armed = false;
  return onTap(button, async () => {
    if (!armed) { // a second tap confirms
      armed = true;
      button.textContent = t('catalog.confirm_delete');
      return;
    }
    await api(`/v1/products/${encodeURIComponent(product.id)}`, { method: 'DELETE' });
    notify(t('catalog.deleted', { title: product.title }));
    await done();
  });
}

function productRow(product, refresh) {
  return h('li', { class: 'own-product', dataset: { product: product.id, status: product.status } },
    productThumb(product, product.title),
    h('div', { class: 'product-text' },
      h('span', { class: 'title' }, product.title), statusBadge(product),
      h('div', { class: 'actions' },
        h('a', { class: 'button secondary', href: `#/catalog/${encodeURIComponent(product.id)}` }, t('catalog.edit')),
        deleteButton(product, refresh))));
}

/** Upload `files` from the `sent`-th on, counting each one sent: a retry of the same
 * choice of files resumes there, a new choice starts again from its first. */
async function addPhotos(productId, files, progress) {
  const same = progress.files && progress.files.length === files.length
    && progress.files.every((file, i) => file === files[i]);
  if (!same) Object.assign(progress, { files, sent: 0 });
  for (; progress.sent < files.length; progress.sent += 1) {
    const form = new FormData();
    form.append('image', files[progress.sent]);
    await api(`/v1/products/${encodeURIComponent(productId)}/images`, { method: 'POST', form });
  }
}

function addForm(supplier, refresh) {
  const photos = h('input', { type: 'file', name: 'photos', accept: 'image/*', multiple: true, id: 'new-product-photos' });
  const form = h('form', { class: 'card', id: 'add-product', 'aria-labelledby': 'add-title' },
    h('h2', { id: 'add-title' }, t('catalog.add')), productFields(),
    field(t('catalog.photos'), photos),
    h('button', { type: 'submit' }, t('catalog.save')));
  // A product saved whose photos did not all go: sending again updates it and sends the
  // rest (or the newly chosen photos), never a second product.
  let saved = null;
  const progress = { sent: 0 };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(form, async () => {
      if (saved) {
        saved = await api(`/v1/products/${encodeURIComponent(saved.id)}`, { method: 'PATCH', json: productBody(form) })
          .catch((error) => { if (error.status === 404) return null; throw error; }); // deleted meanwhile
      }
      if (!saved) {
        saved = await api(`/v1/suppliers/${encodeURIComponent(supplier)}/products`, { method: 'POST', json: productBody(form) });
        Object.assign(progress, { files: null, sent: 0 }); // a new product gets every photo
        refresh(); // listed (pending) while its photos go up
      }
      try {
        await addPhotos(saved.id, [...photos.files], progress);
      } catch (error) { // say that the product itself is kept, and what sending again does
        throw new Error(`${errorText(error)} ${t('catalog.photo_failed', { title: saved.title })}`);
      }
      const made = saved;
      saved = null;
      form.reset();
      notify(t('catalog.added', { title: made.title }));
      refresh();
    });
  });
  return form;
}

function zipForm(supplier, refresh, shown) {
  const file = h('input', { type: 'file', name: 'file', accept: '.zip,application/zip', required: true, id: 'zip-file' });
  const sent = h('progress', { max: 1, value: 0, 'aria-label': t('catalog.zip_sending') });
  const loaded = h('progress', { max: 1, value: 0, 'aria-label': t('catalog.zip_loading') });
  const report = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'card', id: 'zip-upload', 'aria-labelledby': 'zip-title' },
    h('h2', { id: 'zip-title' }, t('catalog.zip_title')), h('p', { class: 'hint' }, t('catalog.zip_hint')),
    field(t('catalog.zip_file'), file),
    h('button', { type: 'submit' }, t('catalog.zip_send')), report);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(form, async () => {
      const body = new FormData();
      body.append('file', file.files[0]);
      report.replaceChildren(h('p', {}, t('catalog.zip_sending')), sent);
      let state = await upload(`/v1/suppliers/${encodeURIComponent(supplier)}/catalog-uploads`, body, (share) => { sent.value = share; });
      sent.value = 1;
      put(report, h('p', {}, t('catalog.zip_loading')), loaded);
      const line = h('p', { class: 'hint' });
      put(report, line);
      while (state.state === 'queued' || state.state === 'running') {
        line.textContent = t('catalog.zip_progress', { done: state.processed_lines, total: state.total_lines || '?' });
        loaded.value = state.total_lines ? state.processed_lines / state.total_lines : 0;
        await new Promise((resolve) => { window.setTimeout(resolve, POLL_MS); });
        if (!shown()) return; // the screen was left: the upload goes on, the polling stops
        state = await api(state.url);
      }
      loaded.value = 1;
      line.textContent = t(`catalog.zip_state.${state.state}`, { n: state.products_loaded });
      if (state.errors.length) put(report, h('ul', { class: 'errors' }, state.errors.map((e) => h('li', {}, e))));
      refresh();
    });
  });
  return form;
}

export async function catalogView(page) {
  const who = me();
  put(page, h('h1', {}, t('catalog.page_title')));
  if (!who || !who.supplier) {
    put(page, empty(t('inbox.sellers_only')), h('a', { href: '#/company' }, t('company.start_selling')));
    return;
  }
  const list = h('ul', { class: 'list own-products' });
  const problem = h('div', {});
  let pending = new Set(); // ids last seen pending: leaving that state is announced
  let timer = null;
  let alive = true;
  async function refresh() {
    window.clearTimeout(timer);
    let found;
    try {
      found = await api(`/v1/suppliers/${encodeURIComponent(who.supplier)}/products`, { query: { limit: 100 } });
    } catch (error) {
      if (!alive) return;
      problem.replaceChildren(errorBox(error));
      timer = window.setTimeout(refresh, (error.retryAfter || 5) * 1000);
      return;
    }
    if (!alive) return;
    problem.replaceChildren();
    list.replaceChildren(...(found.products.length ? found.products.map((p) => productRow(p, refresh)) : [empty(t('catalog.none'))]));
    const still = new Set(found.products.filter((p) => p.status === 'pending').map((p) => p.id));
    for (const p of found.products) {
      if (pending.has(p.id) && !still.has(p.id)) notify(t('catalog.became', { title: p.title, status: t(`catalog.status.${p.status}`) }));
    }
    pending = still;
    if (pending.size) timer = window.setTimeout(refresh, POLL_MS);
  }
  put(page, addForm(who.supplier, refresh), zipForm(who.supplier, refresh, () => alive),
    h('section', { 'aria-labelledby': 'own-title' }, h('h2', { id: 'own-title' }, t('catalog.yours')), problem, list));
  await refresh();
  return () => { alive = false; window.clearTimeout(timer); };
}

function photoRow(product, image, n) {
  const remove = onTap(h('button', { type: 'button', class: 'secondary danger' }, t('catalog.remove_photo')), async () => {
    await api(`/v1/products/${encodeURIComponent(product.id)}/images/${image.id}`, { method: 'DELETE' });
    reload();
  });
  return h('li', {}, h('img', { src: image.url, alt: t('product.photo_n', { title: product.title, n }), width: 96, height: 96 }), remove);
}

export async function productEditView(page, { id }) {
  const product = await api(`/v1/products/${encodeURIComponent(id)}`);
  const form = h('form', { class: 'card', id: 'edit-product' }, productFields(product),
    h('button', { type: 'submit' }, t('catalog.save')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(form, async () => {
      await api(`/v1/products/${encodeURIComponent(id)}`, { method: 'PATCH', json: productBody(form) });
      notify(t('catalog.saved'));
      go('catalog');
    });
  });
  const photos = h('input', { type: 'file', accept: 'image/*', multiple: true, id: 'edit-photos' });
  const sent = { sent: 0 }; // a retry after a failed upload sends only the rest
  const add = h('form', { class: 'card', 'aria-labelledby': 'photos-title' },
    h('h2', { id: 'photos-title' }, t('catalog.photos')),
    h('ul', { class: 'photos' }, product.images.map((image, i) => photoRow(product, image, i + 1))),
    field(t('catalog.add_photos'), photos), h('button', { type: 'submit' }, t('catalog.upload_photos')));
  add.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(add, async () => { await addPhotos(id, [...photos.files], sent); reload(); });
  });
  put(page, h('h1', {}, t('catalog.edit_title', { title: product.title })), statusBadge(product), form, add);
}
