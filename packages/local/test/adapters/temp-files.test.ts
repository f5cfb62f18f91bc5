/**
 * Temp files after a failed or killed write (issue 13, disk full): a write that fails after
 * its temp file was written removes it; the temp files of a dead process are removed when the
 * lake starts; those of a live process (a `hcdl replay` beside the lake) are kept.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ContentFiles } from '../../src/adapters/content-files';
import { removeStaleTempFiles } from '../../src/adapters/temp-files';
import { openLocalLake, readConfig } from '../../src';

/** The pid of a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

async function tempFilesUnder(root: string): Promise<string[]> {
  const all = await readdir(root, { recursive: true });
  return all.filter((f) => f.endsWith('.hcdl-tmp')).sort();
}

describe('temp files', () => {
  let root: string | undefined;
  afterEach(async () => {
    if (root !== undefined) await rm(root, { recursive: true, force: true });
    root = undefined;
  });

  it('a write that fails after writing its temp file leaves none behind', async () => {
    root = await mkdtemp(path.join(tmpdir(), 'hcdl-tmp-fail-'));
    const files = new ContentFiles(root);
    try {
      // The target is a folder that is not empty: the rename into place fails, as a full disk fails the write before it.
      await mkdir(path.join(root, 'staging', 'm.json', 'inside'), { recursive: true });
      await expect(files.write('staging/m.json', Buffer.from('{"a":1}'), false)).rejects.toThrow();
      await expect(files.write('staging/m.json', Buffer.from('{"a":1}'), true)).rejects.toThrow();
      expect(await tempFilesUnder(root)).toEqual([]);
    } finally {
      await files.close();
    }
  });

  it('removes the temp files of dead processes at start and keeps those of live ones and every object', async () => {
    root = await mkdtemp(path.join(tmpdir(), 'hcdl-tmp-start-'));
    const zones = path.join(root, 'zones');
    const dead = deadPid();
    const deep = path.join(zones, 'staging', 'source=lab', 'dt=2026-12-07');
    await mkdir(deep, { recursive: true });
    await writeFile(path.join(deep, `a.json.${dead}.k3j2.hcdl-tmp`), 'partial');
    await writeFile(path.join(deep, `a.json.${dead}.k3j2.side.hcdl-tmp`), '{}');
    await writeFile(path.join(zones, `b.json.${dead}.zz9.hcdl-tmp`), 'partial');
    await writeFile(path.join(deep, `c.json.${process.pid}.q1.hcdl-tmp`), 'in use');
    await writeFile(path.join(deep, 'a.json'), '{}');
    expect(await removeStaleTempFiles(zones)).toBe(3);
    expect(await tempFilesUnder(zones)).toEqual([path.join('staging', 'source=lab', 'dt=2026-12-07', `c.json.${process.pid}.q1.hcdl-tmp`)]);
    expect(await readdir(deep)).toContain('a.json');
    expect(await removeStaleTempFiles(path.join(root, 'missing'))).toBe(0);
  });

  it('the lake removes them when it opens', async () => {
    root = await mkdtemp(path.join(tmpdir(), 'hcdl-tmp-lake-'));
    const dir = path.join(root, 'zones', 'staging');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, `x.json.${deadPid()}.abc.hcdl-tmp`), 'partial');
    const lake = await openLocalLake(readConfig({ HCDL_PORT: '0', HCDL_DATA_DIR: root, HCDL_LOG_LEVEL: 'SILENT' }));
    try {
      expect(await tempFilesUnder(path.join(root, 'zones'))).toEqual([]);
    } finally {
      await lake.close();
    }
  }, 60_000);
});
