/**
 * Electron main process: one secure window on the app's own scheme, the typed bridge,
 * and nothing else reachable from the renderer. Runs in: main.
 */
import path from 'node:path';
import fs from 'node:fs/promises';
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  net,
  protocol,
  safeStorage,
  screen,
  session,
  shell,
} from 'electron';
import log from 'electron-log/main';
import electronUpdater from 'electron-updater';
import { APP_COMMAND_EVENT, type AppCommand } from '../ipc-contract';
import { dispatchIpc, IPC_CHANNEL_NAMES, type IpcHandlers } from './ipc';
import {
  APP_ORIGIN,
  APP_SCHEME,
  connectSrcFor,
  contentSecurityPolicy,
  isAllowedNavigation,
  isExternalLinkAllowed,
  secureWebPreferences,
  sessionServerOrigin,
} from './security';
import { clearBrowsingData } from './browsingData';
import { mainConfig } from './config';
import { closeQuestion, focusExistingWindow } from './lifecycle';
import { menuTemplate } from './menu';
import { redactData, redactLogValue } from './redact';
import { createSecretStore, protectionFor, WrongPassphrase } from './secretStore';
import { mayRestartForUpdate, scheduleUpdateChecks } from './updater';
import { restoreBounds, windowStateStore, type WindowState } from './windowState';

// Development settings only in an unpackaged app (config.ts says why).
const config = mainConfig(process.env, app.isPackaged);
const devServerUrl = config.devServerUrl;
const rendererDir = path.join(__dirname, '..', '..', 'dist', 'renderer');

// Tests (and people running two profiles) point the app at a data folder of their own.
if (config.userDataDir) app.setPath('userData', config.userDataDir);

protocol.registerSchemesAsPrivileged([
  {
    scheme: APP_SCHEME,
    privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
  },
]);

if (!app.requestSingleInstanceLock()) {
  app.quit();
}

// Logs: main and renderer, to a file in the user data folder that rotates at 1 MB, secrets redacted.
log.transports.file.resolvePathFn = () => path.join(app.getPath('userData'), 'logs', 'main.log');
log.transports.file.maxSize = 1024 * 1024;
log.hooks.push((message) => ({ ...message, data: message.data.map(redactLogValue) }));
log.errorHandler.startCatching();

let mainWindow: BrowserWindow | null = null;
/** What the renderer last reported: changes not yet on the server. */
let pendingChanges = 0;
let updateReady = false;
let quitting = false;

const sendCommand = (command: AppCommand) => mainWindow?.webContents.send(APP_COMMAND_EVENT, command);

async function createWindow() {
  const states = windowStateStore(app.getPath('userData'));
  const bounds = restoreBounds(
    await states.load(),
    screen.getAllDisplays().map((d) => d.workArea),
  );
  mainWindow = new BrowserWindow({
    ...bounds,
    minWidth: 760,
    minHeight: 520,
    title: 'Cohort',
    show: false,
    webPreferences: secureWebPreferences(path.join(__dirname, '..', 'preload', 'index.cjs')),
  });
  const win = mainWindow;
  win.once('ready-to-show', () => {
    if (bounds.maximized) win.maximize();
    win.show();
  });
  const remember = () => {
    const state: WindowState = { ...win.getNormalBounds(), maximized: win.isMaximized() };
    void states.save(state).catch((error: Error) => log.warn(`window state not saved: ${error.message}`));
  };
  win.on('resized', remember);
  win.on('moved', remember);
  win.on('maximize', remember);
  win.on('unmaximize', remember);
  // Quitting with changes that have not reached the server: the platform's own question.
  win.on('close', (event) => {
    const question = closeQuestion({ pendingChanges, quitting });
    if (!question) return;
    const choice = dialog.showMessageBoxSync(win, question);
    if (choice === question.cancelId) event.preventDefault();
    else quitting = true;
  });
  const contents = win.webContents;
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
  void win.loadURL(devServerUrl ?? `${APP_ORIGIN}/index.html`);
}

function startUpdates() {
  const { autoUpdater } = electronUpdater;
  autoUpdater.logger = log;
  // Downloaded in the background, installed on quit: never a restart during work.
  autoUpdater.autoDownload = true;
  autoUpdater.autoInstallOnAppQuit = true;
  const feed = config.updateFeed;
  if (feed) autoUpdater.setFeedURL(feed);
  autoUpdater.on('update-downloaded', () => {
    updateReady = true;
    sendCommand('update-ready');
  });
  const check = () => autoUpdater.checkForUpdates();
  // Only a packaged app (which carries app-update.yml) or an explicit feed can update.
  if (app.isPackaged || feed) scheduleUpdateChecks(check);
  return check;
}

app.on('second-instance', () => focusExistingWindow(mainWindow));

app.on('web-contents-created', (_event, contents) => {
  contents.on('will-attach-webview', (event) => event.preventDefault());
});

app.on('window-all-closed', () => app.quit());

/**
 * The server the stored session signed in to: the window connects to it alone (the
 * policy a page loads with; the renderer narrows its own policy at sign-in as well).
 */
let signedInOrigin: string | null = null;
const csp = () =>
  contentSecurityPolicy({ connectSrc: connectSrcFor(signedInOrigin), dev: Boolean(devServerUrl) });

void app.whenReady().then(async () => {
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp()] } });
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
    headers.set('Content-Security-Policy', csp());
    return new Response(response.body, { status: response.status, headers });
  });

  const backend = process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : 'os';
  const secrets = createSecretStore(app.getPath('userData'), safeStorage, {
    protection: protectionFor(backend, await safeStorage.isAsyncEncryptionAvailable()),
  });
  const handlers: IpcHandlers = {
    'session:load': async () => {
      const json = await secrets.load('session');
      signedInOrigin = sessionServerOrigin(json);
      return json;
    },
    'session:save': async (json) => {
      await secrets.save('session', json);
      signedInOrigin = sessionServerOrigin(json);
      return null;
    },
    'session:clear': async () => {
      await secrets.clear('session');
      signedInOrigin = null;
      await clearBrowsingData(session.defaultSession);
      return null;
    },
    'revocations:load': () => secrets.load('revocations'),
    'revocations:save': async (text) => {
      if (text === null) await secrets.clear('revocations');
      else await secrets.save('revocations', text);
      return null;
    },
    'vault:state': () => secrets.state(),
    'vault:set-passphrase': async (passphrase) => {
      await secrets.setPassphrase(passphrase);
      return null;
    },
    'vault:unlock': async (passphrase) => {
      try {
        await secrets.unlock(passphrase);
        return { ok: true as const };
      } catch (error) {
        if (error instanceof WrongPassphrase) return { wrongPassphrase: true as const };
        throw error;
      }
    },
    'vault:change-passphrase': async (current, next) => {
      try {
        await secrets.changePassphrase(current, next);
        return { ok: true as const };
      } catch (error) {
        if (error instanceof WrongPassphrase) return { wrongPassphrase: true as const };
        throw error;
      }
    },
    'file:save': async (name, content) => {
      const options = {
        defaultPath: path.join(app.getPath('documents'), name),
        filters: [{ name: 'CSV', extensions: ['csv'] }],
      };
      const result = mainWindow
        ? await dialog.showSaveDialog(mainWindow, options)
        : await dialog.showSaveDialog(options);
      if (result.canceled || !result.filePath) return null;
      await fs.writeFile(result.filePath, content, 'utf8');
      log.info(`exported ${name}`);
      return result.filePath;
    },
    'log:write': (level, message) => {
      // What the renderer reports may carry documents (RxDB's errors do): only what went wrong, where.
      log.scope('renderer')[level](redactData(message));
      return null;
    },
    'sync:pending': (count) => {
      pendingChanges = count;
      return null;
    },
    'update:restart': () => {
      if (!mayRestartForUpdate({ updateReady, pendingChanges })) return false;
      quitting = true;
      electronUpdater.autoUpdater.quitAndInstall();
      return true;
    },
    'db:key': (name) => secrets.keyFor(name),
    'db:key-rotated': async (name) => {
      await secrets.keyRotated(name);
      return null;
    },
    'db:forget': async (name) => {
      await secrets.forget(name);
      return null;
    },
    'app:info': () => {
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
  const checkForUpdates = startUpdates();
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      menuTemplate(
        process.platform,
        {
          command: sendCommand,
          showLogs: () => void shell.openPath(path.dirname(log.transports.file.getFile().path)),
          checkForUpdates: () => void checkForUpdates().catch((error: Error) => log.warn(error.message)),
        },
        { appName: app.getName(), dev: Boolean(devServerUrl) },
      ),
    ),
  );
  log.info(`Cohort ${app.getVersion()} starting on ${process.platform}`);
  void createWindow();
});
