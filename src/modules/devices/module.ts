import type { CityResponse } from 'maxmind'
import type { Config } from '../../config/index.js'
import { type Clock, DAY } from '../../kernel/clock.js'
import type { Purge } from '../../kernel/housekeeping.js'
import type { Notifier } from '../../kernel/notifier.js'
import type { EventRecorder } from '../events/recorder.js'
import type { Outbox } from '../mail/ports.js'
import type { DeviceRepository, LoginNoticeRepository } from './ports.js'
import { DevicesService, type PlaceOf } from './service.js'

/** Where an address is (city, country) from the GeoIP database the configuration names, if any. */
const openPlaceOf = async (geoipDb: string | undefined): Promise<PlaceOf | undefined> => {
  if (!geoipDb) return undefined
  const { default: maxmind } = await import('maxmind')
  const reader = await maxmind.open<CityResponse>(geoipDb)
  return (ip) => {
    const found = maxmind.validate(ip) ? reader.get(ip) : null
    const parts = [found?.city?.names?.en, found?.country?.names?.en].filter((p): p is string => Boolean(p))
    return parts.length > 0 ? parts.join(', ') : null
  }
}

export interface DevicesModuleDeps {
  config: Pick<Config, 'devices'>
  devices: DeviceRepository
  notices: LoginNoticeRepository
  outbox: Outbox
  events: EventRecorder
  clock: Clock
  /** New-login notices were queued: the outbox worker can start at once. */
  queued: Notifier
}

/** The devices accounts log in from: recognised, remembered, and told of ("was this you?"). */
export const createDevicesModule = async (deps: DevicesModuleDeps) => {
  const config = deps.config.devices
  const placeOf = await openPlaceOf(config.geoipDb)
  const devices = new DevicesService({
    devices: deps.devices,
    notices: deps.notices,
    events: deps.events,
    clock: deps.clock,
    outbox: deps.outbox,
    ...(placeOf ? { placeOf } : {}),
    settings: config.settings,
    queued: deps.queued,
  })
  // "Was this you?" links are kept a day past their end, then gone.
  const purge: Purge = async (now) => ({
    deleted_login_material: await deps.notices.deleteExpiredBefore(now - DAY),
  })
  return { devices, purge }
}
