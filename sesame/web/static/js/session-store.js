// Where the bearer token is kept on this device (it is shown once by the server).
const KEY = 'sesame.token';

export function token() {
  return window.localStorage.getItem(KEY);
}

export function setToken(value) {
  if (value) window.localStorage.setItem(KEY, value);
  else window.localStorage.removeItem(KEY);
}
