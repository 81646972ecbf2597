// A single-page app: the token lives in the browser, so nothing renders on a server.
export const ssr = false;
export const prerender = false;
