/**
 * Interaction figures in the running UI in Chromium, on a device that holds a large
 * organisation: first paint of the groups overview after a restart with the database
 * filled, keystroke-to-next-paint in the groups search and in the add-member client
 * search, and opening a group with 2,000 members.
 */
import fs from 'node:fs';
import type { BrowserContext, CDPSession, Page } from '@playwright/test';
import type { Figure, SyncedDevice } from './browser';
import type { Dataset } from './dataset';

/**
 * Keystroke to next paint, as the browser itself measures it (Event Timing, the measure
 * behind INP): from the key event's timestamp to the paint after every handler ran,
 * React's render of the results included. The browser reports only events of 16 ms or
 * more, in steps of 8 ms; a keystroke it does not report is counted as 16 ms, an upper
 * bound. (An earlier probe, requestAnimationFrame then setTimeout, measured its own timer
 * jitter: on a bare page with a 20-item list its p95 swung from 29 to 70 ms between runs.)
 */
const LATENCY_PROBE = `
  window.__keydowns = 0;
  window.__slowKeys = [];
  document.addEventListener('keydown', () => { window.__keydowns += 1; }, true);
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (e.name === 'keydown') window.__slowKeys.push(e.duration);
  }).observe({ type: 'event', durationThreshold: 16 });
`;

type Probe = { __keydowns: number; __slowKeys: number[] };

/**
 * First paint of the overview's rows: the page's clock (0 is the start of the navigation)
 * at the first frame after the first group row is in the document. (Until 2026-12-02 the
 * figure was the clock read after Playwright saw the row, which added its own round trip:
 * 30 to 250 ms on this machine.)
 */
const FIRST_ROWS_PROBE = `
  window.__firstRowsPainted = 0;
  window.__firstCountsPainted = 0;
  new MutationObserver((_, observer) => {
    const row = document.querySelector('[data-testid="group-row"]');
    if (!row) return;
    if (!window.__firstRowsPainted) {
      window.__firstRowsPainted = -1;
      requestAnimationFrame(() => { window.__firstRowsPainted = performance.now(); });
    }
    // The same for the first row's member count, where a placeholder stood.
    if (!/\\d members?/.test(row.textContent)) return;
    observer.disconnect();
    requestAnimationFrame(() => { window.__firstCountsPainted = performance.now(); });
  }).observe(document, { childList: true, subtree: true, characterData: true });
`;

/** Resolves with one of the probe's figures once it is there (a string: evaluated as it is, under the app's CSP). */
const painted = (figure: '__firstRowsPainted' | '__firstCountsPainted') => `new Promise((resolve) => {
  const check = () => (window.${figure} > 0 ? resolve(window.${figure}) : setTimeout(check, 10));
  check();
})`;

async function typeAndMeasure(page: Page, keystrokes: number, words: string[]): Promise<number[]> {
  await page.evaluate('window.__keydowns = 0; window.__slowKeys = [];');
  let typed = 0;
  for (const word of words.length ? words : ['a']) {
    for (const ch of word) {
      if (typed >= keystrokes) break;
      await page.keyboard.press(ch === ' ' ? 'Space' : ch);
      typed += 1;
    }
    for (let i = 0; i < word.length && typed < keystrokes; i++) {
      await page.keyboard.press('Backspace');
      typed += 1;
    }
    if (typed >= keystrokes) break;
  }
  // Event Timing entries arrive after the paint they measure.
  await page.waitForTimeout(300);
  const probe = await page.evaluate<Probe>(
    '({ __keydowns: window.__keydowns, __slowKeys: window.__slowKeys })',
  );
  const fast = Math.max(0, probe.__keydowns - probe.__slowKeys.length);
  return [...probe.__slowKeys, ...Array<number>(fast).fill(16)];
}

/** The same typing on a bare page (an input and a 20-item list filtered from 10,000): the floor of this browser on this machine. */
async function measureFloor(context: BrowserContext, keystrokes: number): Promise<number[]> {
  const page = await context.newPage();
  await page.setContent(`<input id="q"><ul id="out"></ul><script>
    const items = Array.from({ length: 10000 }, (_, i) => 'group ' + i);
    q.addEventListener('input', () => {
      out.innerHTML = items.filter((x) => x.includes(q.value)).slice(0, 20).map((x) => '<li>' + x + '</li>').join('');
    });
  </script>`);
  // The context's init script has put the probe in this page too.
  await page.click('#q');
  const values = await typeAndMeasure(page, keystrokes, [
    'group 12',
    'group 7',
    'group 345',
    'group 9',
    'group 1024',
    'group 56',
  ]);
  await page.close();
  return values;
}

/** The interaction figures on `device`, which holds `dataset` (named `label` in the figures). */
export async function interactionFigures(
  device: SyncedDevice,
  appUrl: string,
  dataset: Dataset,
  label: string,
  keystrokes: number,
): Promise<Figure[]> {
  const { page, context } = device;
  const size = dataset.counts;
  const figures: Figure[] = [];
  // The probes, in this page after every load.
  await context.addInitScript(LATENCY_PROBE);
  await context.addInitScript(FIRST_ROWS_PROBE);
  // First paint of the overview after a restart, with the database filled.
  const paints: number[] = [];
  const counted: number[] = [];
  for (let i = 0; i < 3; i++) {
    await page.reload();
    // Waits in the page itself: waitForFunction polls by eval, which the app's CSP refuses.
    paints.push(await page.evaluate<number>(painted('__firstRowsPainted')));
    counted.push(await page.evaluate<number>(painted('__firstCountsPainted')));
    // The steps of the start the app marks (User Timing), to see where the time goes.
    const steps = await page.evaluate<string>(
      `performance.getEntriesByType('mark').filter((m) => m.name.startsWith('cohort:'))
        .map((m) => m.name.slice(7) + ' ' + Math.round(m.startTime)).join(' · ')`,
    );
    console.log(
      `  start ${i + 1}: ${steps} · rows ${Math.round(paints[i] ?? 0)} · counts ${Math.round(counted[i] ?? 0)}`,
    );
  }
  figures.push({
    name: `UI (${label}): first group rows after app start (database filled)`,
    unit: 'ms',
    values: paints,
  });
  figures.push({
    name: `UI (${label}): member counts of the first page after app start`,
    unit: 'ms',
    values: counted,
  });

  // Typing starts once the page shows its member counts, as a user would meet it. (Since
  // 2026-12-02 the page's counts come before the tally of every membership, which may
  // still be reading while the keystrokes are measured.)
  await page
    .getByText(/^\d+ members?$/)
    .first()
    .waitFor({ timeout: 120_000 });
  const search = page.getByRole('searchbox', { name: 'Search groups' });
  await search.click();
  const searchLatencies = await typeAndMeasure(page, keystrokes, [
    'mindfulness tuesday',
    'group 12',
    'yoga 7',
    'sleep',
    'grief support 3',
  ]);
  figures.push({
    name: `UI (${label}): groups search, keystroke to next paint (${searchLatencies.length} keystrokes)`,
    unit: 'ms',
    values: searchLatencies,
  });
  await search.fill('');

  const opens: number[] = [];
  for (let i = 0; i < 3; i++) {
    await page.goto(`${appUrl}#/groups`);
    await page.getByTestId('group-row').first().waitFor();
    // A string, not a function: the TypeScript runner would wrap named arrows in helpers the page lacks.
    const ms = await page.evaluate<number>(`(async () => {
        const t0 = performance.now();
        location.hash = '#/groups/${dataset.bigGroupId}';
        await new Promise((resolve) => {
          const painted = () => document.querySelectorAll('[data-testid="member-row"]').length >= 20;
          if (painted()) return resolve(null);
          const observer = new MutationObserver(() => { if (painted()) { observer.disconnect(); resolve(null); } });
          observer.observe(document.body, { childList: true, subtree: true });
        });
        await new Promise((r) => requestAnimationFrame(() => r(null)));
        return performance.now() - t0;
      })()`);
    opens.push(ms);
  }
  figures.push({
    name: `UI (${label}): open a group with ${size.bigGroupMembers.toLocaleString('en')} members (rows painted)`,
    unit: 'ms',
    values: opens,
  });

  await page.getByRole('button', { name: 'Add member' }).click();
  const combobox = page.getByRole('combobox', { name: 'Clients' });
  await combobox.waitFor();
  await combobox.click();
  // Typing starts once the clients are read, as a user meets it: a search that finds someone.
  // (Until 2026-12-02 typing started at once; with "network" the keystrokes then searched an
  // empty list until the 100,000 clients were read, which the figure did not show.)
  await page.keyboard.type('an');
  await page.getByRole('option').first().waitFor({ timeout: 120_000 });
  await combobox.fill('');
  const clientLatencies = await typeAndMeasure(page, keystrokes, [
    'anna de vries',
    'bram 12',
    'popescu',
    'ion 4',
    'vera bos',
    'sanne mulder',
    'tudor 9',
  ]);
  figures.push({
    name: `UI (${label}): add-member client search, keystroke to next paint (${clientLatencies.length} keystrokes)`,
    unit: 'ms',
    values: clientLatencies,
  });
  // What the device holds in memory with everything read (the overview's counts, the
  // clients of the add-member search): Cohort's storage keeps every collection in memory.
  const cdp = await context.newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  const heap = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
  const snapshotPath = process.env.COHORT_BENCH_HEAP_SNAPSHOT;
  if (snapshotPath) await writeHeapSnapshot(cdp, snapshotPath);
  await cdp.detach();
  figures.push({
    name: `UI (${label}): renderer JS heap with every collection read, after garbage collection`,
    unit: 'MB',
    values: [heap.usedSize / 2 ** 20],
  });
  const floor = await measureFloor(context, keystrokes);
  figures.push({
    name: `UI: floor, bare page with a 20-item list, keystroke to next paint (${floor.length} keystrokes)`,
    unit: 'ms',
    values: floor,
  });
  return figures;
}

/**
 * Writes the renderer's heap snapshot to `file` (COHORT_BENCH_HEAP_SNAPSHOT: what the
 * heap figure is made of, for DevTools' Memory panel or scripts/heap-summary.mjs).
 */
async function writeHeapSnapshot(cdp: CDPSession, file: string): Promise<void> {
  const out = fs.createWriteStream(file);
  const onChunk = ({ chunk }: { chunk: string }) => out.write(chunk);
  cdp.on('HeapProfiler.addHeapSnapshotChunk', onChunk);
  await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  cdp.off('HeapProfiler.addHeapSnapshotChunk', onChunk);
  await new Promise<void>((resolve, reject) =>
    out.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );
  console.log(`  heap snapshot written to ${file}`);
}
