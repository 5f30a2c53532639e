/**
 * Test and benchmark support: `npm run server` as its own process (as deployed), on a
 * free port (or a given one, to restart on the same address), once it answers its
 * health check; stopped gracefully, or killed with SIGKILL as a crash.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Servers started to be crashed: each leads its own process group (see `killServerProcess`). */
const crashable = new WeakSet<ChildProcess>();

/**
 * Starts the server with `env` (DATABASE_URL or COHORT_DATA_DIR) and waits until it is up.
 * `port` restarts a server on the address its devices already use; `crashable` lets
 * `killServerProcess` kill it.
 */
export async function startServerProcess(
  env: Record<string, string>,
  options: { port?: number; crashable?: boolean } = {},
): Promise<{ url: string; child: ChildProcess }> {
  const port = options.port ?? (await freePort());
  const child = spawn('node_modules/.bin/tsx', ['sync/server/main.ts'], {
    env: { ...process.env, ...env, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
    // tsx runs the server in a child process of its own, and a crash must take both: a process
    // group. Only on request: a terminal's Ctrl-C no longer reaches a server in its own group.
    detached: options.crashable === true,
  });
  if (options.crashable) crashable.add(child);
  let exitCode: number | null | undefined;
  child.once('exit', (code, signal) => (exitCode = code ?? (signal ? -1 : null)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exitCode !== undefined) throw new Error(`server on ${port} exited while starting (code ${exitCode})`);
    if (
      await fetch(`${url}/api/v1/health`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return { url, child };
    if (Date.now() > deadline) throw new Error(`server on ${port} did not come up`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Stops a server process and waits for it to exit. */
export async function stopServerProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/**
 * A crash: SIGKILL to a crashable server's whole process group (tsx and the Node process it
 * runs), so no shutdown handler runs. Resolves once the server's port refuses connections, that
 * is once the kernel has closed everything the server held.
 */
export async function killServerProcess(child: ChildProcess, url: string): Promise<void> {
  if (child.pid === undefined) throw new Error('the server process has no pid');
  if (!crashable.has(child)) throw new Error('start the server with `crashable: true` to kill it');
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(-child.pid, 'SIGKILL');
  await exited;
  const { hostname, port } = new URL(url);
  const deadline = Date.now() + 10_000;
  while (await accepts(hostname, Number(port))) {
    if (Date.now() > deadline) throw new Error(`${url} still accepts connections after SIGKILL`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
