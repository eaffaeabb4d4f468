// File access of the connector, behind an interface so tests can make files busy or unreadable as a Windows share does.
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';

export interface FileStat {
  size: number;
  mtimeMs: number;
  ino: number;
}

export interface FileOps {
  /** Bytes from `offset` to the end, with the file's size and inode at the time of reading. */
  readFrom(file: string, offset: number): Promise<{ buf: Buffer; stat: FileStat }>;
  stat(file: string): Promise<FileStat>;
  /** Writes to a temporary name, then renames: the machine never sees half a file. */
  writeAtomic(file: string, text: string): Promise<void>;
  /** Deletes; a missing file is not an error. */
  remove(file: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  list(dir: string): Promise<string[]>;
}

const code = (err: unknown) => (err as NodeJS.ErrnoException)?.code;
export const isMissing = (err: unknown) => code(err) === 'ENOENT';
/** A file the machine holds open or a share refuses for the moment: read it again later. */
export const isBusy = (err: unknown) => ['EBUSY', 'EACCES', 'EPERM', 'EAGAIN'].includes(code(err) ?? '');

export const nodeFiles: FileOps = {
  async readFrom(file, offset) {
    const fh = await fsp.open(file, 'r');
    try {
      const st = await fh.stat();
      const stat = { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino };
      const len = Math.max(0, st.size - offset);
      if (len === 0) return { buf: Buffer.alloc(0), stat };
      const buf = Buffer.allocUnsafe(len);
      const { bytesRead } = await fh.read(buf, 0, len, offset);
      return { buf: buf.subarray(0, bytesRead), stat };
    } finally {
      await fh.close();
    }
  },
  async stat(file) {
    const st = await fsp.stat(file);
    return { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino };
  },
  async writeAtomic(file, text) {
    const tmp = path.join(path.dirname(file), `${path.basename(file, path.extname(file))}.TMP`);
    await fsp.writeFile(tmp, text, 'latin1');
    await fsp.rename(tmp, file);
  },
  async remove(file) {
    try {
      await fsp.unlink(file);
    } catch (err) {
      if (!isMissing(err)) throw err;
    }
  },
  rename: (from, to) => fsp.rename(from, to),
  list: (dir) => fsp.readdir(dir),
};
