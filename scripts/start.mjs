// `npm start`: a local sync server on the embedded database with demo data, the renderer's
// dev server, and the Electron window. `npm start -- --web` (npm run start:web): the same
// without Electron, for any browser.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

const web = process.argv.includes('--web');
const serverPort = process.env.PORT ?? '8787';
const serverUrl = `http://127.0.0.1:${serverPort}`;
const rendererUrl = 'http://127.0.0.1:5173';
const children = [];
const bin = (name) => `node_modules/.bin/${name}`;

function run(command, args, env = {}) {
  const child = spawn(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  children.push(child);
  child.on('exit', (code) => {
    if (!stopping) {
      console.error(`${command} ${args.join(' ')} exited (${code}); stopping.`);
      stop(code ?? 1);
    }
  });
  return child;
}

let stopping = false;
function stop(code = 0) {
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 500);
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

async function waitFor(url, what) {
  for (let i = 0; i < 240; i++) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what} did not start at ${url}`);
}

run(bin('tsx'), ['sync/server/main.ts'], { PORT: serverPort, COHORT_SEED_DEMO: '1', LOG_LEVEL: 'warn' });
run(bin('vite'), ['--logLevel', 'warn'], { VITE_COHORT_SERVER_URL: serverUrl });
await waitFor(`${serverUrl}/api/v1/health`, 'The sync server');
await waitFor(rendererUrl, 'The renderer dev server');

console.log(`
  Cohort sync server  ${serverUrl}   (embedded database in ./data, demo data loaded)
  Sign in as          admin@demo.test / cohort-demo   (also practitioner@ and viewer@demo.test)
`);

if (web) {
  console.log(`  Open ${rendererUrl} in your browser. Ctrl+C stops everything.\n`);
} else {
  if (!existsSync('dist-electron/main/index.cjs') || process.env.COHORT_REBUILD !== '0') {
    await new Promise((resolve, reject) =>
      spawn(process.execPath, ['scripts/build-electron.mjs'], { stdio: 'inherit' }).on('exit', (c) =>
        c === 0 ? resolve() : reject(new Error('electron build failed')),
      ),
    );
  }
  // The electron package fetches its runtime on first use (never during npm install).
  run(bin('electron'), ['.'], { COHORT_DEV_URL: rendererUrl });
}
