import { randomBytes } from 'node:crypto'
import {
  chmodSync,
  closeSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  unlinkSync,
  writeSync,
} from 'node:fs'
import { join } from 'node:path'

export const KEY_FILE_NAME = 'secret.key'
const KEY_BYTES = 32
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/

const decodeKey = (text: string): Buffer | null => {
  const t = text.trim()
  if (!BASE64.test(t)) return null
  const key = Buffer.from(t, 'base64')
  return key.length === KEY_BYTES ? key : null
}

const readKeyFile = (file: string): Buffer => {
  const key = decodeKey(readFileSync(file, 'utf8'))
  if (!key) {
    throw new Error(
      `${file} is not base64 of exactly ${KEY_BYTES} bytes: restore the key file from backup or set GATEHOUSE_SECRET_KEY to the key in use (a new key makes enrolled second factors unreadable)`,
    )
  }
  return key
}

const isErrno = (e: unknown, code: string): boolean => (e as NodeJS.ErrnoException | null)?.code === code

/**
 * The 32-byte key that encrypts second-factor secrets at rest: from GATEHOUSE_SECRET_KEY when set,
 * else from `<dataDir>/secret.key`, which is created (mode 0600) on first start. Creation writes a
 * temporary file and hard-links it into place, which fails rather than overwrites when the file
 * exists: of several instances starting at once one wins and the others read the winner's key.
 */
export const loadSecretKey = (opts: { secretKey?: string | undefined; dataDir: string }): Buffer => {
  if (opts.secretKey !== undefined) {
    const key = decodeKey(opts.secretKey)
    if (!key) {
      throw new Error(
        `GATEHOUSE_SECRET_KEY must be base64 of exactly ${KEY_BYTES} bytes (generate one with: openssl rand -base64 32)`,
      )
    }
    return key
  }
  const file = join(opts.dataDir, KEY_FILE_NAME)
  try {
    return readKeyFile(file)
  } catch (e) {
    if (!isErrno(e, 'ENOENT')) throw e
  }
  mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 })
  const tmp = join(opts.dataDir, `.${KEY_FILE_NAME}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`)
  const key = randomBytes(KEY_BYTES)
  const fd = openSync(tmp, 'wx', 0o600)
  try {
    writeSync(fd, `${key.toString('base64')}\n`)
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
  try {
    chmodSync(tmp, 0o600) // the umask may have taken bits away; never added any
    linkSync(tmp, file)
    return key
  } catch (e) {
    if (!isErrno(e, 'EEXIST')) throw e
    return readKeyFile(file)
  } finally {
    unlinkSync(tmp)
  }
}
