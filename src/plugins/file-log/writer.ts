/**
 * Appends one JSON line per request to a file, keeping the file open between requests unless
 * `reopen` is set (then it is closed and opened again each time, so rotated files are
 * followed). Files are created with mode 0644, as Kong creates them.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';

export class FileLogWriter {
  private readonly fds = new Map<string, number>();

  constructor(private readonly baseDir: string) {}

  resolvePath(path: string): string {
    return isAbsolute(path) ? path : resolve(this.baseDir, path);
  }

  /** Throws when the file cannot be opened or written (the caller logs it). */
  write(path: string, reopen: boolean, line: string): void {
    const file = this.resolvePath(path);
    let fd = this.fds.get(file);
    if (fd !== undefined && reopen) {
      closeSync(fd);
      this.fds.delete(file);
      fd = undefined;
    }
    if (fd === undefined) {
      fd = openSync(file, 'a', 0o644);
      this.fds.set(file, fd);
    }
    // One write call per record: appends from several writers never interleave inside a line.
    writeSync(fd, line);
  }

  close(): void {
    for (const fd of this.fds.values()) {
      try {
        closeSync(fd);
      } catch {
        // already closed
      }
    }
    this.fds.clear();
  }
}
