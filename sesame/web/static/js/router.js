// Hash routes (#/product/prd-1?x=y), so the server only ever serves the one shell page.
const routes = [];
let current = { dispose: null, token: 0 };
let target = { root: null, onError: null }; // where screens are drawn, and who shows a failure

export function route(pattern, view) {
  const names = [];
  const source = pattern.replace(/:(\w+)/g, (_, name) => {
    names.push(name);
    return '([^/]+)';
  });
  routes.push({ regex: new RegExp(`^${source}$`), names, view });
}

export function parse(hash = window.location.hash) {
  const raw = hash.replace(/^#\/?/, '');
  const [path, search = ''] = raw.split('?');
  return { path: path.replace(/\/$/, ''), query: Object.fromEntries(new URLSearchParams(search)) };
}

export function go(path) {
  const hash = `#/${path.replace(/^#?\//, '')}`;
  if (window.location.hash === hash) reload();
  else window.location.hash = hash;
}

/** Draw the current screen again, e.g. after a change it shows. */
export function reload() {
  return render(target.root, target.onError);
}

/**
 * Render the view of the current hash into `root`; the previous view is disposed first.
 * A new screen takes the focus (its h1), so that screen readers start reading there.
 */
export async function render(root, onError) {
  target = { root, onError };
  const { path, query } = parse();
  if (current.dispose) current.dispose();
  current = { dispose: null, token: current.token + 1 };
  const mine = current.token;
  for (const { regex, names, view } of routes) {
    const match = regex.exec(path);
    if (!match) continue;
    const params = Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(match[i + 1])]));
    const page = document.createElement('div');
    page.className = 'page';
    root.replaceChildren(page);
    try {
      const dispose = await view(page, params, query);
      if (mine === current.token) current.dispose = dispose || null;
      else if (dispose) dispose();
    } catch (error) {
      if (onError) onError(page, error);
      else throw error;
    }
    const heading = page.querySelector('h1');
    if (heading && mine === current.token && document.activeElement === document.body) {
      heading.setAttribute('tabindex', '-1');
      heading.focus({ preventScroll: true });
    }
    return;
  }
  go('');
}
