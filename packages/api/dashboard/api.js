// The metric API, called with the API key the user signed in with. The key lives in
// sessionStorage only: it goes when the tab closes, and is never written into the page.

const KEY = 'seamline.apiKey';

export const apiKey = {
  get: () => sessionStorage.getItem(KEY),
  set: (key) => sessionStorage.setItem(KEY, key),
  clear: () => sessionStorage.removeItem(KEY),
};

/** A refused or failed request; `status` says which (401: sign in again, 403: not this key's). */
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** GET a path of the API with query parameters (undefined ones left out); resolves to the JSON. */
export async function get(path, params = {}) {
  return (await request(path, params, 'application/json')).json();
}

/** Saves the CSV the API gives for a path (Accept: text/csv) as a file of the browser's downloads. */
export async function download(path, params = {}) {
  const response = await request(path, params, 'text/csv');
  const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? 'seamline.csv';
  const url = URL.createObjectURL(await response.blob());
  const link = Object.assign(document.createElement('a'), { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

async function request(path, params, accept) {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined && value !== '') query.set(name, value);
  const key = apiKey.get();
  const headers = { Accept: accept, ...(key && { Authorization: `Bearer ${key}` }) };
  let response;
  try {
    response = await fetch(`${path}${query.size ? `?${query}` : ''}`, { headers });
  } catch {
    throw new ApiError(0, 'The metric API could not be reached. Check the connection and try again.');
  }
  if (response.ok) return response;
  const body = await response.json().catch(() => ({}));
  throw new ApiError(response.status, explain(response.status, body.error ?? body.message));
}

function explain(status, detail) {
  if (status === 401) return `Your API key was not accepted (401)${detail ? `: ${detail}` : ''}. Please sign in again.`;
  if (status === 403) return `Not allowed (403): ${detail ?? 'this API key may not see that'}.`;
  if (status === 404) return `Not found${detail ? `: ${detail}` : ''}.`;
  return `The metric API answered ${status}${detail ? `: ${detail}` : ''}.`;
}

/** Path segment of a team or journey id. */
export const segment = (value) => encodeURIComponent(value);
