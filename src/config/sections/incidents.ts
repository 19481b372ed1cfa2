import type { CountryCode } from 'libphonenumber-js'
import { z } from 'zod'
import { format, int, optional, type Setting, section, type Values } from '../kinds.js'

const rows = {
  incidentImportMaxBytes: {
    env: 'GATEHOUSE_INCIDENT_IMPORT_MAX_BYTES',
    default: '2147483648',
    doc: 'Largest leaked data set `POST /v1/admin/incidents/{id}/imports` takes, in bytes (streamed, never held in memory); larger uploads get `413 payload_too_large` and the import is marked failed.',
    schema: int(1024, 1024 * 1024 * 1024 * 1024),
  },
  phoneDefaultRegion: {
    env: 'GATEHOUSE_PHONE_DEFAULT_REGION',
    default: undefined,
    doc: 'ISO 3166 region (such as `GB`) for phone numbers written without a country code in leaked data sets, unless an import names its own `phone_region`; unset, such numbers match nobody.',
    schema: optional(
      format(
        z
          .string()
          .regex(/^[A-Za-z]{2}$/)
          .transform((v) => v.toUpperCase()),
        'must be a two-letter region code such as GB',
      ),
    ),
  },
} as const satisfies Record<string, Setting>

export interface IncidentSettings {
  /** Largest leaked data set an import takes, in bytes. */
  importMaxBytes: number
  /** What `IncidentsService` takes as `defaultPhoneRegion`. */
  defaultPhoneRegion: CountryCode | undefined
}

export const incidents = section(
  'Incidents and leaked data',
  rows,
  (v: Values<typeof rows>): IncidentSettings => ({
    importMaxBytes: v.incidentImportMaxBytes,
    defaultPhoneRegion: v.phoneDefaultRegion as CountryCode | undefined,
  }),
)
