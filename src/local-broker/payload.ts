/** @module Streams a payload to disk while computing its MD5 and looking for the EICAR test string across chunk boundaries. */
import { createHash } from 'node:crypto';
import { createWriteStream, renameSync, rmSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export const EICAR = Buffer.from('X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*', 'latin1');

/** Finds EICAR anywhere in a stream: each chunk is searched, plus the seam between it and the previous chunk's tail. */
export class EicarDetector {
  found = false;
  private tail = Buffer.alloc(0);

  push(chunk: Buffer): void {
    if (this.found) return;
    const keep = EICAR.length - 1;
    const seam = Buffer.concat([this.tail, chunk.subarray(0, keep)]);
    if (seam.includes(EICAR) || chunk.includes(EICAR)) {
      this.found = true;
      return;
    }
    this.tail =
      chunk.length >= keep ? Buffer.from(chunk.subarray(chunk.length - keep)) : Buffer.concat([this.tail, chunk]).subarray(-keep);
  }
}

export interface StoredPayload {
  size: number;
  md5: string;
  malicious: boolean;
}

/** Writes `source` to `stagingPath`; on failure the staging file is removed and the error rethrown. */
export async function streamToFile(source: Readable, stagingPath: string, limitBytes = Number.POSITIVE_INFINITY): Promise<StoredPayload> {
  const md5 = createHash('md5');
  const eicar = new EicarDetector();
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      if (size > limitBytes) return done(new PayloadTooLarge());
      md5.update(chunk);
      eicar.push(chunk);
      done(null, chunk);
    },
  });
  try {
    await pipeline(source, meter, createWriteStream(stagingPath));
  } catch (error) {
    rmSync(stagingPath, { force: true });
    throw error;
  }
  return { size, md5: md5.digest('hex'), malicious: eicar.found };
}

export function promote(stagingPath: string, finalPath: string): void {
  renameSync(stagingPath, finalPath);
}

export class PayloadTooLarge extends Error {
  constructor() {
    super('payload exceeds the limit');
    this.name = 'PayloadTooLarge';
  }
}
