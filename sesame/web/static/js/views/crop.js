// A crop box over a photo: drag it, resize it by its corner, or use the arrow keys.
import { h } from '../dom.js';
import { t } from '../i18n.js';

const MIN = 0.08; // the smallest box, as a share of the photo's side
const STEP = 0.02;

function clamp(box) {
  const w = Math.min(1, Math.max(MIN, box.w));
  const hgt = Math.min(1, Math.max(MIN, box.h));
  return { x: Math.min(1 - w, Math.max(0, box.x)), y: Math.min(1 - hgt, Math.max(0, box.y)), w, h: hgt };
}

/** The editor for `file`; `crop()` returns "x,y,w,h" in the photo's pixels, or null for all of it. */
export function cropEditor(file) {
  const url = URL.createObjectURL(file);
  let box = { x: 0, y: 0, w: 1, h: 1 };
  const img = h('img', { src: url, alt: t('crop.photo_alt'), draggable: 'false' });
  const handle = h('span', { class: 'crop-handle', 'aria-hidden': 'true' });
  const frame = h('div', {
    class: 'crop-box', tabindex: '0', role: 'group', 'aria-label': t('crop.box_label'),
  }, handle);
  const stage = h('div', { class: 'crop-stage' }, img, frame);
  const note = h('p', { class: 'hint', id: 'crop-hint' }, t('crop.hint'));
  frame.setAttribute('aria-describedby', 'crop-hint');
  let usable = true;

  function draw() {
    frame.style.left = `${box.x * 100}%`;
    frame.style.top = `${box.y * 100}%`;
    frame.style.width = `${box.w * 100}%`;
    frame.style.height = `${box.h * 100}%`;
  }

  function drag(event, mode) {
    event.preventDefault();
    event.stopPropagation();
    const rect = stage.getBoundingClientRect();
    const start = { px: event.clientX, py: event.clientY, ...box };
    const target = event.currentTarget;
    target.setPointerCapture(event.pointerId);
    const move = (e) => {
      const dx = (e.clientX - start.px) / rect.width;
      const dy = (e.clientY - start.py) / rect.height;
      box = mode === 'move'
        ? clamp({ ...start, x: start.x + dx, y: start.y + dy })
        : clamp({ ...start, w: Math.min(1 - start.x, start.w + dx), h: Math.min(1 - start.y, start.h + dy) });
      draw();
    };
    const up = () => {
      target.removeEventListener('pointermove', move);
      target.removeEventListener('pointerup', up);
      target.removeEventListener('pointercancel', up);
    };
    target.addEventListener('pointermove', move);
    target.addEventListener('pointerup', up);
    target.addEventListener('pointercancel', up);
  }

  frame.addEventListener('pointerdown', (e) => drag(e, 'move'));
  handle.addEventListener('pointerdown', (e) => drag(e, 'resize'));
  frame.addEventListener('keydown', (event) => {
    const keys = { ArrowLeft: [-STEP, 0], ArrowRight: [STEP, 0], ArrowUp: [0, -STEP], ArrowDown: [0, STEP] };
    const delta = keys[event.key];
    if (!delta) return;
    event.preventDefault();
    box = event.shiftKey
      ? clamp({ ...box, w: box.w + delta[0], h: box.h + delta[1] })
      : clamp({ ...box, x: box.x + delta[0], y: box.y + delta[1] });
    draw();
  });
  img.addEventListener('error', () => {
    usable = false; // e.g. HEIC, which the browser cannot show: search the whole photo
    stage.replaceChildren(h('p', { class: 'hint' }, t('crop.no_preview', { name: file.name })));
    note.remove();
  });
  draw();

  const reset = h('button', { type: 'button', class: 'secondary' }, t('crop.whole'));
  reset.addEventListener('click', () => { box = { x: 0, y: 0, w: 1, h: 1 }; draw(); });

  return {
    element: h('div', { class: 'crop' }, stage, note, reset),
    crop() {
      if (!usable || !img.naturalWidth) return null;
      if (box.x <= 0 && box.y <= 0 && box.w >= 1 && box.h >= 1) return null;
      const W = img.naturalWidth;
      const H = img.naturalHeight;
      const px = [box.x * W, box.y * H, box.w * W, box.h * H].map((v) => Math.max(0, Math.round(v)));
      px[2] = Math.max(1, px[2]);
      px[3] = Math.max(1, px[3]);
      return px.join(',');
    },
    dispose() { URL.revokeObjectURL(url); },
  };
}
