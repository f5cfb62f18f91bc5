import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { CliInputError } from '../errors';

/** One thing to send: a file, or standard input (`-`). */
export interface InputFile {
  /** As shown in progress and the summary: the path given or found, `-` for stdin. */
  name: string;
  read(): Promise<Uint8Array>;
}

/** File extensions a folder is searched for (explicit files and globs are taken as they are). */
export const DEFAULT_EXTENSIONS = ['hl7', 'er7', 'hl7v2', 'msg'] as const;

async function readStdin(stdin: NodeJS.ReadableStream): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const c of stdin) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks);
}

const fileInput = (name: string): InputFile => ({ name, read: () => readFile(name) });

/**
 * The files the arguments name, in a stable order: a file as given, a folder's files with one
 * of `extensions` (recursively, sorted), a glob's matches (sorted), `-` for standard input.
 * A name that matches nothing is refused before anything is sent.
 */
export async function expandInputs(args: readonly string[], extensions: readonly string[], stdin: NodeJS.ReadableStream = process.stdin): Promise<InputFile[]> {
  const out: InputFile[] = [];
  const seen = new Set<string>();
  const add = (name: string): void => {
    if (seen.has(name)) return;
    seen.add(name);
    out.push(fileInput(name));
  };
  const wanted = new Set(extensions.map((e) => e.replace(/^\./, '').toLowerCase()));
  for (const arg of args) {
    if (arg === '-') {
      out.push({ name: '-', read: () => readStdin(stdin) });
      continue;
    }
    if (isDynamicPattern(arg)) {
      const matches = (await glob(arg, { onlyFiles: true, expandDirectories: false })).sort();
      if (matches.length === 0) throw new CliInputError(`${arg}: no file matches`);
      for (const m of matches) add(m);
      continue;
    }
    let info;
    try {
      info = await stat(arg);
    } catch (err) {
      throw new CliInputError(
        `${arg}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : `cannot read (${(err as NodeJS.ErrnoException).code})`}`,
        {
          cause: err,
        },
      );
    }
    if (info.isDirectory()) {
      const entries = await readdir(arg, { recursive: true, withFileTypes: true });
      const files = entries
        .filter((e) => e.isFile() && wanted.has(path.extname(e.name).slice(1).toLowerCase()))
        .map((e) => path.join(e.parentPath, e.name))
        .sort();
      if (files.length === 0) throw new CliInputError(`${arg}: no file ending in .${[...wanted].join(', .')} in this folder`);
      for (const f of files) add(f);
    } else add(arg);
  }
  return out;
}
