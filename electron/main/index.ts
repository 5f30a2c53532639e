/**
 * Electron main process: one secure window on the app's own scheme, the typed bridge,
 * and nothing else reachable from the renderer. Runs in: main.
 */
import path from 'node:path';
import fs from 'node:fs/promises';
import { app, BrowserWindow, ipcMain, net, protocol, safeStorage, session, shell } from 'electron';
import { dispatchIpc, IPC_CHANNEL_NAMES, type IpcHandlers } from './ipc';
import {
  APP_ORIGIN,
  APP_SCHEME,
  contentSecurityPolicy,
  isAllowedNavigation,
  isExternalLinkAllowed,
  secureWebPreferences,
  SYNC_CONNECT_SRC,
} from './security';
import { createKeyVault } from './keyVault';
import { createSessionVault } from './sessionVault';

const devServerUrl = process.env.COHORT_DEV_URL;
const rendererDir = path.join(__dirname, '..', '..', 'dist', 'renderer');

// Tests (and people running two profiles) point the app at a data folder of their own.
if (process.env.COHORT_USER_DATA_DIR) app.setPath('userData', process.env.COHORT_USER_DATA_DIR);

protocol.registerSchemesAsPrivileged([
  {
    scheme: APP_SCHEME,
    privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
  },
]);

if (!app.requestSingleInstanceLock()) {
  app.quit();
}

let mainWindow: BrowserWindow | null = null;

function createWindow() {
  mainWindow = new BrowserWindow({
    width: 1200,
    height: 800,
    minWidth: 760,
    minHeight: 520,
    title: 'Cohort',
    show: false,
    webPreferences: secureWebPreferences(path.join(__dirname, '..', 'preload', 'index.cjs')),
  });
  mainWindow.once('ready-to-show', () => mainWindow?.show());
  const contents = mainWindow.webContents;
  contents.on('will-navigate', (event, url) => {
    if (!isAllowedNavigation(url, devServerUrl)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAllowedNavigation(url, devServerUrl)) event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    if (isExternalLinkAllowed(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  void mainWindow.loadURL(devServerUrl ?? `${APP_ORIGIN}/index.html`);
}

app.on('second-instance', () => {
  if (!mainWindow) return;
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.focus();
});

app.on('web-contents-created', (_event, contents) => {
  contents.on('will-attach-webview', (event) => event.preventDefault());
});

app.on('window-all-closed', () => app.quit());

void app.whenReady().then(() => {
  const csp = contentSecurityPolicy({ connectSrc: SYNC_CONNECT_SRC, dev: Boolean(devServerUrl) });
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
  });

  // Serves dist/renderer on cohort://app/, refusing any path that leaves it.
  protocol.handle(APP_SCHEME, async (request) => {
    const { pathname } = new URL(request.url);
    const file = path.normalize(path.join(rendererDir, decodeURIComponent(pathname)));
    if (!file.startsWith(rendererDir + path.sep)) return new Response('Not found', { status: 404 });
    try {
      await fs.access(file);
    } catch {
      return new Response('Not found', { status: 404 });
    }
    const response = await net.fetch(`file://${file}`);
    const headers = new Headers(response.headers);
    headers.set('Content-Security-Policy', csp);
    return new Response(response.body, { status: response.status, headers });
  });

  const vault = createSessionVault(app.getPath('userData'), safeStorage);
  const keys = createKeyVault(app.getPath('userData'), safeStorage);
  const handlers: IpcHandlers = {
    'session:load': () => vault.load(),
    'session:save': async (json) => {
      await vault.save(json);
      return null;
    },
    'session:clear': async () => {
      await vault.clear();
      return null;
    },
    'db:key': (name) => keys.keyFor(name),
    'db:forget': async (name) => {
      await keys.forget(name);
      return null;
    },
    'app:info': () => {
      const backend = process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : 'os';
      return {
        version: app.getVersion(),
        platform: process.platform,
        keyring: backend === 'basic_text' ? 'basic_text' : backend === 'unknown' ? 'unavailable' : 'os',
      };
    },
  };
  for (const channel of IPC_CHANNEL_NAMES) {
    ipcMain.handle(channel, (event, ...args: unknown[]) => {
      // Only the app's own page may call: not a dev tool, not another origin.
      const origin = event.senderFrame?.origin;
      if (!origin || !isAllowedNavigation(`${origin}/`, devServerUrl))
        throw new Error('Refused: unknown sender');
      return dispatchIpc(handlers, channel, args);
    });
  }
  createWindow();
});
