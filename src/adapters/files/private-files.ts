import { chmodSync, closeSync, mkdirSync, openSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { KEY_FILE_NAME } from '../keys/key-file.js'

/**
 * What Gatehouse keeps on disk (the SQLite database with password hashes and contact data, the key
 * that seals second-factor secrets, mail and SMS files holding tokens) is for its owner only:
 * folders 0700, files 0600. New ones are created so; ones found more open are narrowed at start.
 */
export const PRIVATE_DIR_MODE = 0o700
export const PRIVATE_FILE_MODE = 0o600

/** The SQLite database in the data folder, and the files SQLite keeps beside it. */
export const SQLITE_FILE_NAME = 'gatehouse.sqlite'
const SQLITE_SIDE_FILES = ['-wal', '-shm', '-journal'] as const
/** Folders of the file transports (mail as .eml, SMS as .txt) in the data folder. */
export const MAIL_DIR_NAME = 'mail'
export const SMS_DIR_NAME = 'sms'

const isErrno = (e: unknown, code: string): boolean => (e as NodeJS.ErrnoException | null)?.code === code

/** Creates `dir` and its missing parents owner-only (an existing folder is left as it is). */
export const makePrivateDir = (dir: string): void => {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE })
}

/**
 * Creates `file` empty and owner-only unless it exists (its content and mode are left as they are):
 * a program that then opens it (SQLite) keeps the mode, and gives its own side files the same.
 */
export const touchPrivateFile = (file: string): void => {
  closeSync(openSync(file, 'a', PRIVATE_FILE_MODE))
}

export interface Narrowed {
  /** Paths whose group and other permission bits were taken away. */
  narrowed: string[]
  /** Paths that were too open but could not be narrowed (another owner), with the reason. */
  failed: Array<{ path: string; error: string }>
}

/** Takes the group and other bits off `path` when it has any; missing paths are skipped. */
const narrow = (path: string, out: Narrowed): void => {
  let mode: number
  try {
    mode = statSync(path).mode
  } catch (e) {
    if (isErrno(e, 'ENOENT')) return
    throw e
  }
  if ((mode & 0o077) === 0) return
  try {
    chmodSync(path, mode & 0o7700)
    out.narrowed.push(path)
  } catch (e) {
    out.failed.push({ path, error: (e as NodeJS.ErrnoException).code ?? (e as Error).message })
  }
}

/** A folder of file-transport output: the folder and the files directly in it. */
const narrowFolder = (dir: string, out: Narrowed): void => {
  narrow(dir, out)
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch (e) {
    if (isErrno(e, 'ENOENT') || isErrno(e, 'ENOTDIR')) return
    throw e
  }
  for (const name of names) narrow(join(dir, name), out)
}

/**
 * Creates the data folder owner-only, and narrows to their owner what Gatehouse keeps there and
 * finds open to others: the folder itself, the SQLite database and its side files, the key file,
 * and the mail and SMS folders with their files. Returns what it changed (for one log line).
 */
export const securePrivateData = (dataDir: string): Narrowed => {
  makePrivateDir(dataDir)
  const out: Narrowed = { narrowed: [], failed: [] }
  narrow(dataDir, out)
  const db = join(dataDir, SQLITE_FILE_NAME)
  for (const file of [db, ...SQLITE_SIDE_FILES.map((s) => `${db}${s}`), join(dataDir, KEY_FILE_NAME)])
    narrow(file, out)
  narrowFolder(join(dataDir, MAIL_DIR_NAME), out)
  narrowFolder(join(dataDir, SMS_DIR_NAME), out)
  return out
}
