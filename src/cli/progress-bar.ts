/** A one-line progress bar on a TTY; silent when the stream is not a terminal. */
export function progressBar(stream: NodeJS.WriteStream): { update: (p: number) => void; done: () => void } {
  const tty = stream.isTTY === true;
  let shown = false;
  return {
    update(p) {
      if (!tty) return;
      const width = 30;
      const filled = Math.round(Math.min(1, Math.max(0, p)) * width);
      stream.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(p * 100).toFixed(0).padStart(3)}%`);
      shown = true;
    },
    done() {
      if (tty && shown) stream.write('\n');
      shown = false;
    },
  };
}
