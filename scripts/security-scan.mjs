// `npm run test:security`: Doyensec's Electronegativity over the Electron code (main,
// preload, the IPC contract) and the built renderer. Fails on any finding above LOW
// severity that electron/electronegativity-accepted.json does not explain.
//
// The scanner's parser predates ES2022 and reads only `.js`: the code is compiled for it
// to ES2019 JavaScript first (the Electron files one by one, unbundled, so the findings
// point at our code and not at libraries; the renderer by Vite, as shipped but ES2019).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import run from '@doyensec/electronegativity';
import { build } from 'esbuild';

const SCAN = 'reports/electronegativity-input';
fs.rmSync(SCAN, { recursive: true, force: true });
const sources = fs
  .readdirSync('electron', { recursive: true })
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.d.ts'))
  .map((f) => path.join('electron', f));
await build({
  entryPoints: sources,
  outdir: path.join(SCAN, 'electron'),
  format: 'cjs',
  target: 'es2019',
  platform: 'node',
  logLevel: 'warning',
});
const vite = spawnSync(
  'node_modules/.bin/vite',
  [
    'build',
    '--logLevel',
    'error',
    '--target',
    'es2019',
    '--outDir',
    path.resolve(SCAN, 'renderer'),
    '--emptyOutDir',
  ],
  { stdio: 'inherit' },
);
if (vite.status !== 0) process.exit(vite.status ?? 1);

const electronVersion = JSON.parse(fs.readFileSync('node_modules/electron/package.json', 'utf8')).version;
const accepted = JSON.parse(fs.readFileSync('electron/electronegativity-accepted.json', 'utf8'));
const SEVERITY = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH'];
fs.mkdirSync('reports', { recursive: true });

let refused = 0;
let total = 0;
for (const input of [SCAN]) {
  const result = await run({ input, electronVersionOverride: electronVersion, isRelative: true });
  for (const error of result.errors ?? []) {
    refused += 1;
    console.error(
      `UNREAD   ${error.file}: ${error.message ?? error.error} (a file the scanner cannot read is not scanned)`,
    );
  }
  for (const issue of result.issues) {
    total += 1;
    const severity = issue.severity?.name ?? String(issue.severity);
    const file = path.relative('.', issue.file);
    const reason = accepted[issue.id];
    const above = SEVERITY.indexOf(severity.toUpperCase()) > SEVERITY.indexOf('LOW');
    const where = `${issue.id} (${severity}, ${issue.confidence?.name ?? issue.confidence}) in ${file}:${issue.location?.line ?? ''}`;
    if (above && !reason) {
      refused += 1;
      console.error(`REFUSED  ${where}: ${issue.description}`);
    } else console.log(`${reason ? 'accepted' : 'low     '} ${where}${reason ? ` — ${reason}` : ''}`);
  }
}
fs.writeFileSync('reports/electronegativity.json', JSON.stringify({ total, refused }, null, 2));
console.log(
  `Electronegativity (Electron ${electronVersion}): ${total} findings, ${refused} above LOW without an explanation.`,
);
process.exit(refused > 0 ? 1 : 0);
