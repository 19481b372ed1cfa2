import { closeSync, fstatSync, openSync, readSync } from 'node:fs'
import { z } from 'zod'
import { DAY, SECOND } from '../../kernel/clock.js'
import type { DeviceSettings } from '../../modules/devices/service.js'
import { bool, format, int, optional, type Setting, section, type Values } from '../kinds.js'

/** The MaxMind DB format ends with a metadata section that starts with this marker, in the last 128 KiB. */
const MMDB_METADATA_MARKER = Buffer.from('abcdef4d61784d696e642e636f6d', 'hex')
const isMmdb = (path: string): boolean => {
  let fd: number | undefined
  try {
    fd = openSync(path, 'r')
    const size = fstatSync(fd).size
    const length = Math.min(size, 128 * 1024)
    const tail = Buffer.alloc(length)
    readSync(fd, tail, 0, length, size - length)
    return tail.includes(MMDB_METADATA_MARKER)
  } catch {
    return false
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}

const rows = {
  stepUpNewDevice: {
    env: 'GATEHOUSE_STEP_UP_NEW_DEVICE',
    default: 'true',
    doc: 'A correct password from a device the account has not used before, on an account without a second factor, must be confirmed with a code mailed to the account (not for its very first device).',
    schema: bool,
  },
  rememberDeviceDays: {
    env: 'GATEHOUSE_REMEMBER_DEVICE_DAYS',
    default: '30',
    doc: '"Remember this device" skips the second factor on that device for this many days (a password reset or change ends it). 0 turns the option off.',
    schema: int(0, 365),
  },
  geoipDb: {
    env: 'GATEHOUSE_GEOIP_DB',
    default: undefined,
    doc: 'A local MaxMind GeoLite2/GeoIP2 City or Country database (.mmdb): new-sign-in notices then name the approximate place. Unset: no place.',
    schema: optional(format(z.string().refine(isMmdb), 'must be the path of a readable MaxMind .mmdb file')),
  },
} as const satisfies Record<string, Setting>

export interface DevicesSettings {
  /** What `DevicesService` takes as `settings`. */
  settings: DeviceSettings
  /** A login from a new device of an account without a second factor is confirmed by a mailed code. */
  stepUpNewDevice: boolean
  /** "Remember this device" is offered (GATEHOUSE_REMEMBER_DEVICE_DAYS is not 0). */
  rememberDevices: boolean
  /** The MaxMind database that names the place of a new sign-in, if any. */
  geoipDb: string | undefined
}

export const devices = section(
  'Devices and sign-in notices',
  rows,
  (v: Values<typeof rows> & { readonly lockTokenTtlSeconds: number }): DevicesSettings => ({
    settings: { rememberMs: v.rememberDeviceDays * DAY, noticeLinkTtlMs: v.lockTokenTtlSeconds * SECOND },
    stepUpNewDevice: v.stepUpNewDevice,
    rememberDevices: v.rememberDeviceDays > 0,
    geoipDb: v.geoipDb,
  }),
)
