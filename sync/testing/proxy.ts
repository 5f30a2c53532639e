/**
 * Test support: a small HTTP proxy in front of the server, one per device, that can cut
 * the device off or drop a request before or after the server handled it (the device
 * sees a broken connection either way, as it would on a bad network).
 */
import http from 'node:http';

export type ProxyFate = 'pass' | 'drop-before' | 'drop-after';

export type ChaosProxy = {
  url: string;
  /** Decides each request's fate; streams (`text/event-stream`) are only ever cut, not dropped. */
  policy: (request: http.IncomingMessage) => ProxyFate;
  /** Whether the device can reach the server at all; cutting it closes open streams too. */
  setUp(up: boolean): void;
  counts: Record<ProxyFate | 'refused', number>;
  close(): Promise<void>;
};

export async function startChaosProxy(target: string): Promise<ChaosProxy> {
  const targetUrl = new URL(target);
  const open = new Set<http.ServerResponse>();
  let up = true;
  const proxy: ChaosProxy = {
    url: '',
    policy: () => 'pass',
    counts: { pass: 0, 'drop-before': 0, 'drop-after': 0, refused: 0 },
    setUp(value) {
      up = value;
      if (!value) for (const res of open) res.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of open) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server = http.createServer((req, res) => {
    const stream = req.url?.includes('/sync/stream') ?? false;
    if (!up) {
      proxy.counts.refused += 1;
      req.socket.destroy();
      return;
    }
    const fate = stream ? 'pass' : proxy.policy(req);
    proxy.counts[fate] += 1;
    if (fate === 'drop-before') {
      req.socket.destroy();
      return;
    }
    open.add(res);
    res.on('close', () => open.delete(res));
    const upstream = http.request(
      {
        host: targetUrl.hostname,
        port: targetUrl.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        if (fate === 'drop-after') {
          // The server has answered (and committed): the device never hears of it.
          answer.resume();
          answer.on('end', () => req.socket.destroy());
          return;
        }
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => req.socket.destroy());
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no proxy address');
  proxy.url = `http://127.0.0.1:${address.port}`;
  return proxy;
}
