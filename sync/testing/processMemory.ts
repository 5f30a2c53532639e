/**
 * Resident memory of a server process started by serverProcess.ts, read from /proc
 * (Linux): for the load test and the stream-memory benchmark.
 */
import fs from 'node:fs';

/** tsx runs the server in a child of its own: the process that listens is the deepest descendant. */
export function serverPid(pid: number): number {
  let current = pid;
  for (let depth = 0; depth < 4; depth++) {
    const file = `/proc/${current}/task/${current}/children`;
    const children = fs.existsSync(file)
      ? fs.readFileSync(file, 'utf8').trim().split(/\s+/).filter(Boolean)
      : [];
    if (children.length === 0) break;
    current = Number(children[0]);
  }
  return current;
}

/** The process's resident set size, in KiB. */
export function rssKb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
}
