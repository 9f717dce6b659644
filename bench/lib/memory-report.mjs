/**
 * Preloaded into a server (`node --import ./bench/lib/memory-report.mjs …`) by
 * bench/memory-breakdown.ts: on SIGUSR2 it writes where the process's resident
 * memory is to MEMORY_REPORT_FILE (or stdout), from /proc/self (Linux) and V8's statistics.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import v8 from 'node:v8';

const MB = 2 ** 20;

function statusKb(field) {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
  return match ? Number(match[1]) * 1024 : 0;
}

/** Anonymous mappings with their resident size, from /proc/self/smaps. */
function anonymousMappings() {
  const maps = [];
  let current;
  for (const line of readFileSync('/proc/self/smaps', 'utf8').split('\n')) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ (\d+)\s*(.*)$/.exec(line);
    if (head) {
      current = { size: Number.parseInt(head[2], 16) - Number.parseInt(head[1], 16), name: head[4], rss: 0 };
      if (head[3] === '0' && (current.name === '' || current.name === '[heap]')) maps.push(current);
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss && current) current.rss = Number(rss[1]) * 1024;
  }
  return maps;
}

function report() {
  const spaces = Object.fromEntries(v8.getHeapSpaceStatistics().map((s) => [s.space_name, s.physical_space_size]));
  const heap = Object.values(spaces).reduce((a, b) => a + b, 0);
  // PGlite's WebAssembly memory is one mapping of at least 128 MB (its minimum size);
  // nothing else in this process maps that much at once.
  const wasm = anonymousMappings()
    .filter((m) => m.size >= 128 * MB && m.size <= 4 * 1024 * MB)
    .reduce((a, m) => a + m.rss, 0);
  const usage = process.memoryUsage();
  const rss = statusKb('VmRSS');
  const file = statusKb('RssFile');
  const anon = statusKb('RssAnon');
  const result = {
    rss_mb: rss / MB,
    file_backed_mb: file / MB, // the node binary, shared libraries, native addons (shared with other processes)
    v8_heap_mb: heap / MB,
    v8_new_space_mb: (spaces.new_space ?? 0) / MB,
    v8_old_space_mb: (spaces.old_space ?? 0) / MB,
    v8_heap_used_mb: usage.heapUsed / MB,
    array_buffers_mb: usage.arrayBuffers / MB,
    wasm_memory_resident_mb: wasm / MB,
    // What is left of the anonymous memory: malloc'd memory (compiled WebAssembly
    // code, V8 compiler zones kept by the C allocator, native addons), thread stacks.
    native_other_mb: (anon - heap - wasm - usage.arrayBuffers) / MB,
    v8_peak_malloced_mb: v8.getHeapStatistics().peak_malloced_memory / MB,
  };
  const line = `${JSON.stringify(result)}\n`;
  if (process.env.MEMORY_REPORT_FILE) writeFileSync(process.env.MEMORY_REPORT_FILE, line);
  else process.stdout.write(line);
}

process.on('SIGUSR2', report);
