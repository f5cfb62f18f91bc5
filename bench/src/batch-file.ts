/** Writes (once) the large batch file used by the streaming memory check. */
import { createWriteStream, existsSync, renameSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { generateMessages } from './generator';

/**
 * A FHS/BHS ... BTS/FTS batch of `count` generated messages (generated 1,000 at a time, so
 * the writer itself stays small). Returns the path and its size in bytes.
 */
export async function ensureBatchFile(count: number, seed: number): Promise<{ path: string; bytes: number }> {
  const path = join(tmpdir(), `hcdl-bench-batch-${seed}-${count}.hl7`);
  if (!existsSync(path)) {
    const partial = `${path}.partial`;
    const out = createWriteStream(partial);
    const write = async (text: string): Promise<void> => {
      if (!out.write(text)) await once(out, 'drain');
    };
    await write('FHS|^~\\&|BENCH|HCDL|LAKE|HCDL|20240601000000\rBHS|^~\\&|BENCH|HCDL|LAKE|HCDL|20240601000000\r');
    for (let done = 0, chunk = 0; done < count; chunk++) {
      const n = Math.min(1000, count - done);
      await write(generateMessages(n, seed + chunk).join(''));
      done += n;
    }
    await write(`BTS|${count}\rFTS|1\r`);
    out.end();
    await once(out, 'finish');
    renameSync(partial, path);
  }
  return { path, bytes: statSync(path).size };
}
