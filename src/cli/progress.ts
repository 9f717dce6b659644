/** A progress bar on stderr, drawn only when stderr is a terminal (never in logs or pipes). */
export function createProgress(label: string, total: number, stream: NodeJS.WriteStream = process.stderr) {
  const enabled = Boolean(stream.isTTY) && total > 0;
  let done = 0;
  let drawnAt = 0;
  const draw = () => {
    const width = 30;
    const filled = Math.round((done / total) * width);
    const percent = Math.floor((done / total) * 100);
    stream.write(`\r${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total} ${percent}%\x1b[K`);
  };
  return {
    tick(count = 1) {
      done = Math.min(total, done + count);
      if (!enabled) return;
      const now = Date.now();
      if (now - drawnAt < 50 && done < total) return;
      drawnAt = now;
      draw();
    },
    finish() {
      if (!enabled) return;
      draw();
      stream.write('\n');
    },
  };
}
