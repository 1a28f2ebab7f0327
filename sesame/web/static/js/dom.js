// Small DOM helpers: elements are built from data with textContent, never from HTML strings.

/** h('a', {href: '#/', class: 'x', onclick: fn}, 'text', child) */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) {
      if (typeof value === 'function') el.addEventListener(key.slice(2), value); // never a string
    } else if (key === 'value' && 'defaultValue' in el) {
      el.defaultValue = String(value); // a textarea's text too; form.reset() comes back to it
    } else if (key === 'class') {
      el.className = value;
    } else if (key === 'dataset') {
      Object.assign(el.dataset, value);
    } else if (key in el && typeof value !== 'string') {
      el[key] = value;
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

let uid = 0;
/** A unique id for label/input pairs. */
export function nextId(prefix = 'f') {
  uid += 1;
  return `${prefix}-${uid}`;
}

/** A labelled form field: the label is always visible and tied to the control. */
export function field(label, control, hint) {
  const id = control.id || nextId();
  control.id = id;
  const wrap = h('div', { class: 'field' }, h('label', { for: id }, label), control);
  if (hint) {
    const hintId = `${id}-hint`;
    control.setAttribute('aria-describedby', hintId);
    wrap.append(h('p', { class: 'hint', id: hintId }, hint));
  }
  return wrap;
}

/** A country's flag from its ISO code (regional indicator letters), with the code for readers. */
export function flag(code) {
  const letters = String(code || '').toUpperCase();
  if (!/^[A-Z]{2}$/.test(letters)) return h('span', { class: 'flag' }, letters);
  const emoji = String.fromCodePoint(...[...letters].map((c) => 0x1f1a5 + c.charCodeAt(0)));
  return h('span', { class: 'flag', title: letters },
    h('span', { 'aria-hidden': 'true' }, emoji), h('span', { class: 'code' }, letters));
}

export function formData(form) {
  return Object.fromEntries(new FormData(form).entries());
}

/** el.append that skips null, undefined and false (conditional parts of a screen). */
export function put(el, ...children) {
  return append(el, children);
}
