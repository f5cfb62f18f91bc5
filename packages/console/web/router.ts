/** Hash routes: `#/messages?…`, `#/messages/<id>`, `#/errors?…`, `#/patients/<id>`, `#/signin`. */
export interface Route {
  view: 'signin' | 'messages' | 'message' | 'errors' | 'patient' | 'patients';
  id?: string;
  query: URLSearchParams;
}

export function parseRoute(hash: string): Route {
  const [path = '', search = ''] = hash.replace(/^#/, '').split('?');
  const query = new URLSearchParams(search);
  const parts = path
    .split('/')
    .filter((p) => p !== '')
    .map(decodeURIComponent);
  const [first, id] = parts;
  if (first === 'signin') return { view: 'signin', query };
  if (first === 'errors') return { view: 'errors', query };
  if (first === 'patients') return id !== undefined ? { view: 'patient', id, query } : { view: 'patients', query };
  if (first === 'messages' && id !== undefined) return { view: 'message', id, query };
  return { view: 'messages', query };
}

export const href = {
  messages: (q?: URLSearchParams) => `#/messages${q !== undefined && q.size > 0 ? `?${q}` : ''}`,
  message: (id: string) => `#/messages/${encodeURIComponent(id)}`,
  errors: (q?: URLSearchParams) => `#/errors${q !== undefined && q.size > 0 ? `?${q}` : ''}`,
  patient: (id: string) => `#/patients/${encodeURIComponent(id)}`,
};
