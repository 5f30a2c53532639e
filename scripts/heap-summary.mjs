#!/usr/bin/env node
/**
 * What a heap snapshot (COHORT_BENCH_HEAP_SNAPSHOT, or DevTools' Memory panel) is made
 * of: self sizes summed by node type and constructor name, largest first.
 *
 *   node scripts/heap-summary.mjs file.heapsnapshot [rows]
 *
 * Reads the snapshot's arrays without parsing the whole file as one string (a renderer
 * with 600,000 documents writes more than V8's longest string).
 */
import fs from 'node:fs';

const [file, rowsArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: node scripts/heap-summary.mjs file.heapsnapshot [rows]');
  process.exit(2);
}
const buffer = fs.readFileSync(file);

/** The JSON value that starts right after `"key":`, as a string (the meta and the strings). */
function slice(key) {
  const start = buffer.indexOf(`"${key}":`) + key.length + 3;
  let depth = 0;
  let inString = false;
  for (let i = start; i < buffer.length; i++) {
    const c = buffer[i];
    if (inString) {
      if (c === 0x5c) i += 1;
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) depth += 1;
    else if (c === 0x7d || c === 0x5d) {
      depth -= 1;
      if (depth === 0) return buffer.subarray(start, i + 1).toString('utf8');
    }
  }
  throw new Error(`no "${key}" in ${file}`);
}

/** A numeric array such as "nodes": [1,2,3], read without building its string. */
function numbers(key) {
  let i = buffer.indexOf(`"${key}":`) + key.length + 3;
  while (buffer[i] !== 0x5b) i++;
  const out = [];
  let n = 0;
  let inNumber = false;
  for (i += 1; buffer[i] !== 0x5d; i++) {
    const c = buffer[i];
    if (c >= 0x30 && c <= 0x39) {
      n = n * 10 + (c - 0x30);
      inNumber = true;
    } else if (inNumber) {
      out.push(n);
      n = 0;
      inNumber = false;
    }
  }
  if (inNumber) out.push(n);
  return out;
}

const meta = JSON.parse(slice('snapshot')).meta;
const strings = JSON.parse(slice('strings'));
const nodes = numbers('nodes');
const fields = meta.node_fields;
const types = meta.node_types[0];
const width = fields.length;
const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));

const groups = new Map();
let total = 0;
for (let i = 0; i < nodes.length; i += width) {
  const type = types[nodes[i + typeAt]];
  const size = nodes[i + sizeAt];
  total += size;
  // Strings and numbers are grouped by type; objects by constructor; arrays by their role.
  const name =
    type === 'object' || type === 'closure' || type === 'array' || type === 'hidden'
      ? String(strings[nodes[i + nameAt]]).slice(0, 60)
      : '';
  const key = `${type}\t${name}`;
  const entry = groups.get(key) ?? { count: 0, size: 0 };
  entry.count += 1;
  entry.size += size;
  groups.set(key, entry);
}
const mb = (b) => (b / 2 ** 20).toFixed(1);
console.log(`${file}: ${(nodes.length / width).toLocaleString('en')} nodes, ${mb(total)} MB of self sizes`);
console.log('     MB      count   bytes/each  type / name');
for (const [key, { count, size }] of [...groups]
  .sort((a, b) => b[1].size - a[1].size)
  .slice(0, Number(rowsArg ?? 40))) {
  const [type, name] = key.split('\t');
  console.log(
    `${mb(size).padStart(7)} ${count.toLocaleString('en').padStart(10)} ${String(Math.round(size / count)).padStart(12)}  ${type}${name ? ` / ${name}` : ''}`,
  );
}
