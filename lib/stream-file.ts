import { createReadStream, promises as fsp } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';

/**
 * Files that may be larger than memory (a guest's console log) are streamed, never read whole: each chunk
 * waits for the reader (backpressure), so a slow pipe holds unik's memory to a few chunks.
 */
const BLOCK = 64 * 1024;

/** The byte offset where the last `lines` lines of a file begin, found by reading backwards block by block. */
export async function tailOffset(path: string, lines: number): Promise<number> {
  const fh = await fsp.open(path, 'r');
  try {
    const { size } = await fh.stat();
    if (lines === 0) return size;
    const buf = Buffer.alloc(BLOCK);
    // A newline ending the file ends the last line; it does not start another one.
    let pos = size > 0 && (await fh.read(buf, 0, 1, size - 1)).buffer[0] === 0x0a ? size - 1 : size;
    let seen = 0;
    while (pos > 0) {
      const start = Math.max(0, pos - BLOCK);
      await fh.read(buf, 0, pos - start, start);
      for (let i = pos - start - 1; i >= 0; i--) {
        if (buf[i] === 0x0a && ++seen === lines) return start + i + 1;
      }
      pos = start;
    }
    return 0;
  } finally {
    await fh.close();
  }
}

/** Copy bytes [start, end) of a file to `out`, which stays open. */
export async function copyRange(path: string, out: Writable, start: number, end: number): Promise<void> {
  if (end > start) await pipeline(createReadStream(path, { start, end: end - 1 }), out, { end: false });
}

/** Write the file's text from `start` on as one JSON string literal (quoted, escaped), chunk by chunk. */
export async function writeJsonString(path: string, out: Writable, start = 0): Promise<void> {
  const decoder = new StringDecoder('utf8');
  const put = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  await put('"');
  // The decoder keeps a multi-byte character split across two chunks whole.
  for await (const chunk of createReadStream(path, { start, highWaterMark: BLOCK })) await put(JSON.stringify(decoder.write(chunk as Buffer)).slice(1, -1));
  await put(`${JSON.stringify(decoder.end()).slice(1, -1)}"`);
}
