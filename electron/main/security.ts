/**
 * The desktop window's security settings as plain data and functions, so they can be
 * unit-tested without Electron. Runs in: main.
 */

/** The renderer is served from this privileged scheme, never from file://. */
export const APP_SCHEME = 'cohort';
export const APP_ORIGIN = `${APP_SCHEME}://app`;

export function secureWebPreferences(preloadPath: string) {
  return {
    preload: preloadPath,
    sandbox: true,
    contextIsolation: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: true,
  } as const;
}

/**
 * Content-Security-Policy of the renderer. `connectSrc` lists the sync servers the app
 * may talk to (http(s) and, in development, Vite's websocket). Mantine writes its theme
 * variables into a <style> element, hence 'unsafe-inline' for styles only.
 */
export function contentSecurityPolicy(options: { connectSrc: string[]; dev: boolean }): string {
  const connect = ["'self'", ...options.connectSrc, ...(options.dev ? ['ws://127.0.0.1:5173'] : [])];
  return [
    "default-src 'none'",
    // Vite's dev server injects an inline module for React refresh; built code never needs it.
    options.dev ? "script-src 'self' 'unsafe-inline'" : "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    `connect-src ${connect.join(' ')}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-src 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}

/**
 * Where the renderer may connect. Before sign-in the user chooses the server: any https
 * origin, or plain http on this machine (a server for development; the sign-in form
 * refuses plain http elsewhere). Once signed in, only that server.
 */
export function connectSrcFor(serverOrigin: string | null): string[] {
  if (serverOrigin) return [serverOrigin];
  return ['https:', 'http://127.0.0.1:*', 'http://localhost:*'];
}

/** The origin of the server a stored session signed in to, or null (none, or not readable). */
export function sessionServerOrigin(sessionJson: string | null): string | null {
  if (!sessionJson) return null;
  try {
    const { serverUrl } = JSON.parse(sessionJson) as { serverUrl?: unknown };
    if (typeof serverUrl !== 'string') return null;
    const url = new URL(serverUrl);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.origin : null;
  } catch {
    return null;
  }
}

/** In-app navigation stays on the app's own origin (or the dev server); everything else is refused. */
export function isAllowedNavigation(url: string, devServerUrl: string | undefined): boolean {
  try {
    const target = new URL(url);
    if (target.origin === APP_ORIGIN || url.startsWith(`${APP_ORIGIN}/`)) return true;
    return devServerUrl !== undefined && target.origin === new URL(devServerUrl).origin;
  } catch {
    return false;
  }
}

/** Links meant for the outside world open in the system browser, only when they are http(s). */
export function isExternalLinkAllowed(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}
