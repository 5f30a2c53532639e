/**
 * Once signed in, the page may connect to that server alone. The page's own policy (the
 * desktop app's header, the built page's meta tag) allows any https server and this
 * computer, since the user chooses the server when signing in; this adds a second policy
 * for the session, and a browser enforces both. A policy cannot be widened again: signing
 * in to another server later loads the page afresh (the sign-in screen does).
 */

let narrowedTo: string | null = null;

/** The origin this page is held to, once a session narrowed it. */
export const connectionsHeldTo = () => narrowedTo;

export function narrowConnectionsTo(serverUrl: string): void {
  const origin = new URL(serverUrl).origin;
  if (narrowedTo === origin) return;
  if (narrowedTo !== null) throw new Error(`This page is held to ${narrowedTo}.`);
  const meta = document.createElement('meta');
  meta.httpEquiv = 'Content-Security-Policy';
  // The dev server's hot reload talks over a websocket to the page's own host.
  const dev = import.meta.env.DEV ? ` ws://${location.host}` : '';
  meta.content = `connect-src 'self' ${origin}${dev}`;
  document.head.append(meta);
  narrowedTo = origin;
}
