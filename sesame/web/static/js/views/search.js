// Buyers: a photo (camera or file) with a crop box, or a query in their own language.
import { api } from '../api.js';
import { field, h, put } from '../dom.js';
import { LANGUAGES, lang, t } from '../i18n.js';
import { busy, errorBox } from '../ui.js';
import { cropEditor } from './crop.js';
import { filterPanel, filtersOf, remember, resultsView } from './results.js';

const PAGE = 10;
// What the last search was, so that coming back to the search tab shows its results again.
const state = { kind: null, query: '', language: null, file: null, crop: null, filters: {}, response: null, groups: [] };

async function runSearch(offset) {
  if (state.kind === 'text') {
    return api('/v1/search/text', {
      method: 'POST',
      json: { query: state.query, language: state.language, limit: PAGE, offset, filters: state.filters },
    });
  }
  const form = new FormData();
  form.append('image', state.file);
  form.append('limit', String(PAGE));
  form.append('offset', String(offset));
  if (state.crop) form.append('crop', state.crop);
  for (const [key, value] of Object.entries(state.filters)) {
    form.append(key, Array.isArray(value) ? value.join(',') : String(value));
  }
  return api('/v1/search/image', { method: 'POST', form });
}

function photoInputs(onFile) {
  const camera = h('input', { type: 'file', accept: 'image/*', capture: 'environment', id: 'photo-camera', class: 'visually-hidden' });
  const pick = h('input', { type: 'file', accept: 'image/*', id: 'photo-pick', class: 'visually-hidden' });
  for (const input of [camera, pick]) {
    input.addEventListener('change', () => { if (input.files[0]) onFile(input.files[0]); });
  }
  return h('div', { class: 'photo-buttons' },
    camera, h('label', { for: 'photo-camera', class: 'button' }, h('span', { 'aria-hidden': 'true' }, '📷 '), t('search.take_photo')),
    pick, h('label', { for: 'photo-pick', class: 'button secondary' }, t('search.pick_photo')));
}

export async function searchView(page, _params, query) {
  const results = h('section', { class: 'results', 'aria-live': 'polite', 'aria-busy': 'false' });
  const cropArea = h('div', { class: 'crop-area' });
  let editor = null;

  async function search(offset = 0) {
    results.setAttribute('aria-busy', 'true');
    if (offset === 0) results.replaceChildren(h('p', { class: 'loading' }, t('search.searching')));
    try {
      const response = await runSearch(offset);
      remember(response);
      state.response = response;
      state.groups = offset === 0 ? response.results : state.groups.concat(response.results);
      show();
    } catch (error) {
      results.replaceChildren(errorBox(error));
    } finally {
      results.setAttribute('aria-busy', 'false');
    }
  }

  function show() {
    const panel = filterPanel(state.filters, (filters) => { state.filters = filters; search(0); });
    results.replaceChildren(panel, resultsView(state, () => search(state.response.page.next_offset)));
  }

  const input = h('input', { type: 'search', name: 'q', enterkeyhint: 'search', autocomplete: 'off', value: state.kind === 'text' ? state.query : '' });
  // Short queries are hard to detect ("taza roja"): by default, the interface's language.
  const written = state.language === null && state.kind === 'text' ? 'auto' : (state.language || lang());
  const language = h('select', { name: 'language' },
    [lang(), ...LANGUAGES.filter((code) => code !== lang())].map((code) => h('option', { value: code, selected: code === written }, t(`language.${code}`))),
    h('option', { value: 'auto', selected: written === 'auto' }, t('search.detect')));
  const textForm = h('form', { class: 'search-form', role: 'search' },
    field(t('search.query_label'), input, t('search.query_hint')),
    field(t('search.query_language'), language),
    h('button', { type: 'submit' }, t('search.search')));
  textForm.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!input.value.trim()) return;
    busy(textForm, async () => {
      const code = language.value === 'auto' ? null : language.value;
      Object.assign(state, { kind: 'text', query: input.value.trim(), language: code });
      await search(0);
    });
  });

  function onFile(file) {
    if (editor) editor.dispose();
    editor = cropEditor(file);
    const go = h('button', { type: 'button', id: 'photo-search' }, t('search.search_photo'));
    go.addEventListener('click', async () => {
      go.disabled = true;
      Object.assign(state, { kind: 'image', file, crop: editor.crop() });
      await search(0);
      go.disabled = false;
    });
    cropArea.replaceChildren(h('h2', {}, t('crop.title')), editor.element, go);
  }

  put(page,
    h('h1', {}, t('search.title')),
    h('p', { class: 'lead' }, t('search.lead')),
    h('section', { class: 'card', 'aria-labelledby': 'photo-title' },
      h('h2', { id: 'photo-title' }, t('search.photo_title')), photoInputs(onFile), cropArea),
    h('section', { class: 'card', 'aria-label': t('search.text_title') }, textForm),
    results,
  );
  if (query.q && query.q !== state.query) {
    input.value = query.q;
    Object.assign(state, { kind: 'text', query: query.q, language: query.lang || lang(), filters: filtersOf(query) });
    await search(0);
  } else if (state.response) {
    show();
  }
  return () => { if (editor) editor.dispose(); };
}
