/** The first bytes of a file (64 KiB by default): enough for every format detector. */
import fs from 'node:fs';

export function readFileHead(path: string, bytes = 64 * 1024): Buffer {
  const handle = fs.openSync(path, 'r');
  try {
    const head = Buffer.alloc(bytes);
    return head.subarray(0, fs.readSync(handle, head, 0, bytes, 0));
  } finally {
    fs.closeSync(handle);
  }
}
