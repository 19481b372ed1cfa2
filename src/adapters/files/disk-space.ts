import { closeSync, fsyncSync, openSync, rmSync, writeSync } from 'node:fs'
import { statfs } from 'node:fs/promises'
import { join } from 'node:path'

/** Bytes an unprivileged process can still write in the file system of `dir`. */
export const freeBytes = async (dir: string): Promise<number> => {
  const s = await statfs(dir)
  return s.bavail * s.bsize
}

/** What start-up writes (and removes) to prove the data directory takes writes: 4 MiB. */
export const STARTUP_PROBE_BYTES = 4 * 1024 * 1024

/**
 * Writes `bytes` to a file in `dir`, flushes it to the disk and removes it: a real write, which an
 * empty file is not (creating one succeeds on a full volume). Throws the file system's error
 * (ENOSPC, EDQUOT, EACCES, EROFS); the probe file is removed either way.
 */
export const probeWritable = (dir: string, bytes = STARTUP_PROBE_BYTES): void => {
  const file = join(dir, `.write-test-${process.pid}`)
  const chunk = Buffer.alloc(Math.min(bytes, 1024 * 1024), 0x5a)
  let fd: number | undefined
  try {
    fd = openSync(file, 'w', 0o600)
    for (let written = 0; written < bytes; ) {
      written += writeSync(fd, chunk, 0, Math.min(chunk.length, bytes - written))
    }
    fsyncSync(fd)
  } finally {
    if (fd !== undefined) closeSync(fd)
    rmSync(file, { force: true })
  }
}
