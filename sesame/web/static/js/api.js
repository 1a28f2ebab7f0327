// The public API, and nothing else: JSON in and out, the bearer token from the session.
import { token } from './session-store.js';

/** status 0: no answer (offline); message: the API's `detail` sentence, '' when it sent none. */
export class ApiError extends Error {
  constructor(status, message, retryAfter = null) {
    super(message);
    this.status = status;
    this.retryAfter = retryAfter; // seconds, from Retry-After on 429 and 503
  }
}

function retryAfterOf(value) {
  const seconds = Number.parseInt(value || '', 10);
  return Number.isFinite(seconds) && seconds > 0 ? seconds : null;
}

function messageOf(body) {
  const detail = body && body.detail;
  if (typeof detail === 'string') return detail;
  if (Array.isArray(detail)) {
    return detail.map((e) => `${(e.loc || []).filter((p) => p !== 'body').join('.')}: ${e.msg}`)
      .join('; ');
  }
  return '';
}

function urlOf(path, query) {
  const url = new URL(path, window.location.origin);
  // The bearer token goes to this server only, whatever path an answer hands back.
  if (url.origin !== window.location.origin) throw new Error(`Not this server: ${url.origin}`);
  for (const [key, value] of Object.entries(query || {})) {
    if (value !== undefined && value !== null && value !== '') url.searchParams.set(key, value);
  }
  return url;
}

function headers(extra = {}) {
  const out = { Accept: 'application/json', ...extra };
  const bearer = token();
  if (bearer) out.Authorization = `Bearer ${bearer}`;
  return out;
}

/** api('/v1/search/text', {method: 'POST', json: {...}}) -> the parsed body, or ApiError. */
export async function api(path, { method = 'GET', json, form, query } = {}) {
  const init = { method, headers: headers() };
  if (json !== undefined) {
    init.body = JSON.stringify(json);
    init.headers['Content-Type'] = 'application/json';
  } else if (form !== undefined) {
    init.body = form;
  }
  let response;
  try {
    response = await fetch(urlOf(path, query), init);
  } catch {
    throw new ApiError(0, '');
  }
  if (response.status === 204) return null;
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    throw new ApiError(response.status, messageOf(body), retryAfterOf(response.headers.get('Retry-After')));
  }
  return body;
}

/** A multipart upload with progress (fetch cannot report upload progress). */
export function upload(path, form, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', urlOf(path));
    for (const [key, value] of Object.entries(headers())) xhr.setRequestHeader(key, value);
    xhr.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    });
    xhr.addEventListener('load', () => {
      let body = null;
      try { body = JSON.parse(xhr.responseText); } catch { body = null; }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body);
      else reject(new ApiError(xhr.status, messageOf(body), retryAfterOf(xhr.getResponseHeader('Retry-After'))));
    });
    xhr.addEventListener('error', () => reject(new ApiError(0, '')));
    xhr.send(form);
  });
}
