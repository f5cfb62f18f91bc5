/** The console's entry: configuration, sign-in state, the shell and the hash router. */
import { type Api, createApi, session } from './api';
import { h, replace } from './dom';
import { parseRoute, type Route } from './router';
import { renderErrors } from './views/errors';
import { renderMessage } from './views/message';
import { renderMessages } from './views/messages';
import { renderPatient, renderPatientLookup } from './views/patient';
import { renderSignIn } from './views/signin';

/** What a view gets: the API, where to draw, and a way to say something to screen readers. */
export interface ViewContext {
  api: Api;
  main: HTMLElement;
  announce(text: string): void;
  /** Set by a view that polls; called when the route changes. */
  onLeave(stop: () => void): void;
}

interface Config {
  /** The API's origin; '' when the lake serves the console. */
  apiBase: string;
}

async function loadConfig(): Promise<Config> {
  try {
    const res = await fetch('config.json', { cache: 'no-store' });
    if (res.ok) return { apiBase: '', ...((await res.json()) as Partial<Config>) };
  } catch {
    // served without a config file: the API is this origin
  }
  return { apiBase: '' };
}

export async function start(): Promise<void> {
  const config = await loadConfig();
  const main = document.getElementById('main') as HTMLElement;
  const live = document.getElementById('announce') as HTMLElement;
  const nav = document.getElementById('nav') as HTMLElement;
  let leaving: (() => void)[] = [];
  let current: Route['view'] | undefined;
  const api = createApi(config.apiBase.replace(/\/$/, ''), () => {
    session.signOut();
    // On the sign-in page the refusal is shown there, with its reason.
    if (current !== 'signin') location.hash = '#/signin?expired=1';
  });
  const ctx: ViewContext = {
    api,
    main,
    announce: (text) => {
      live.textContent = text;
    },
    onLeave: (stop) => void leaving.push(stop),
  };

  const drawNav = (signedIn: boolean): void => {
    replace(
      nav,
      signedIn
        ? h(
            'ul',
            {},
            h('li', {}, h('a', { href: '#/messages' }, 'Messages')),
            h('li', {}, h('a', { href: '#/errors' }, 'Error queue')),
            h('li', {}, h('a', { href: '#/patients' }, 'Patients')),
            h(
              'li',
              {},
              h(
                'button',
                {
                  type: 'button',
                  id: 'sign-out',
                  onclick: () => {
                    session.signOut();
                    location.hash = '#/signin';
                  },
                },
                'Sign out',
              ),
            ),
          )
        : undefined,
    );
  };

  const render = async (): Promise<void> => {
    for (const stop of leaving) stop();
    leaving = [];
    let route: Route = parseRoute(location.hash);
    if (session.token() === undefined && route.view !== 'signin') route = { view: 'signin', query: new URLSearchParams() };
    current = route.view;
    drawNav(session.token() !== undefined);
    for (const a of nav.querySelectorAll('a')) {
      const current = a.getAttribute('href')?.slice(2) ?? '';
      if (location.hash.slice(2).startsWith(current)) a.setAttribute('aria-current', 'page');
    }
    try {
      switch (route.view) {
        case 'signin':
          await renderSignIn(ctx, route);
          break;
        case 'messages':
          await renderMessages(ctx, route);
          break;
        case 'message':
          await renderMessage(ctx, route.id as string);
          break;
        case 'errors':
          await renderErrors(ctx, route);
          break;
        case 'patients':
          await renderPatientLookup(ctx, route);
          break;
        case 'patient':
          await renderPatient(ctx, route.id as string);
          break;
      }
    } catch (err) {
      replace(main, h('h1', {}, 'Something went wrong'), h('p', { role: 'alert' }, err instanceof Error ? err.message : String(err)));
    }
    // Focus moves to the new page's heading, so keyboard and screen reader users start there.
    const heading = main.querySelector('h1');
    if (heading !== null) {
      heading.setAttribute('tabindex', '-1');
      heading.focus();
    }
  };
  // The skip link moves focus without touching the hash (the hash is the router's).
  document.querySelector('.skip')?.addEventListener('click', (e) => {
    e.preventDefault();
    main.focus();
  });
  window.addEventListener('hashchange', () => void render());
  await render();
}

void start();
