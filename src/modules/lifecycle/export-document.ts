import { z } from 'zod'
import { iso, isoOrNull } from '../../kernel/clock.js'
import type { AccountData } from './ports.js'

export const at = z.string().describe('ISO 8601')
export const atOrNull = at.nullable()

/** The document `GET /v1/me/export` answers: everything held about the account, never a secret. */
export const AccountExport = z
  .object({
    format: z.literal('gatehouse.account-export.v1'),
    exported_at: at,
    profile: z.object({
      id: z.string(),
      username: z.string(),
      email: z.string(),
      email_verified: z.boolean(),
      phone: z.string().nullable(),
      phone_verified: z.boolean(),
      locale: z.string().nullable(),
      role: z.string(),
      created_at: at,
      password_changed_at: at,
    }),
    factors: z
      .array(
        z.object({
          kind: z.string().describe('totp, sms, email …'),
          label: z.string().nullable(),
          created_at: at,
          confirmed_at: atOrNull,
          last_used_at: atOrNull,
        }),
      )
      .describe('Second factors other than passkeys: their kind and dates, never their secrets'),
    passkeys: z.array(z.object({ label: z.string().nullable(), created_at: at, last_used_at: atOrNull })),
    recovery_codes: z
      .object({ total: z.number(), unused: z.number() })
      .describe('How many recovery codes the account has; never the codes'),
    devices: z.array(
      z.object({
        user_agent: z.string().nullable(),
        ip: z.string().nullable(),
        created_at: at,
        last_seen_at: at,
        remembered_until: atOrNull,
      }),
    ),
    sessions: z.array(
      z.object({
        created_at: at,
        last_seen_at: at,
        expires_at: at,
        ip: z.string().nullable(),
        user_agent: z.string().nullable(),
        revoked_at: atOrNull,
      }),
    ),
    security_history: z.array(
      z.object({
        type: z.string(),
        at,
        ip: z.string().nullable(),
        user_agent: z.string().nullable(),
        details: z.record(z.string(), z.unknown()),
      }),
    ),
    incident_exposures: z
      .array(
        z.object({
          incident_id: z.string(),
          incident: z.string().describe("The incident's title"),
          fields: z.array(z.string()).describe('Which of the account’s data the leak held'),
          rows: z.number(),
          first_seen_at: at,
        }),
      )
      .describe('Leaked data sets, imported into incidents, that named this account'),
    applications: z
      .array(z.object({ client_id: z.string(), name: z.string().nullable(), expires_at: atOrNull }))
      .describe('Grants the account gave applications (OpenID Connect)'),
    pending_deletion: z.object({ due_at: at, requested_by: z.enum(['self', 'staff']) }).nullable(),
  })
  .describe('Everything Gatehouse holds about the account')

export const exportDocument = (d: AccountData, now: number): z.infer<typeof AccountExport> => ({
  format: 'gatehouse.account-export.v1',
  exported_at: iso(now),
  profile: {
    id: d.profile.id,
    username: d.profile.username,
    email: d.profile.email,
    email_verified: d.profile.emailVerifiedAt !== null,
    phone: d.profile.phone,
    phone_verified: d.profile.phone !== null && d.profile.phoneVerifiedAt !== null,
    locale: d.profile.locale,
    role: d.profile.role,
    created_at: iso(d.profile.createdAt),
    password_changed_at: iso(d.profile.passwordChangedAt),
  },
  factors: d.factors.map((f) => ({
    kind: f.kind,
    label: f.label,
    created_at: iso(f.createdAt),
    confirmed_at: isoOrNull(f.confirmedAt),
    last_used_at: isoOrNull(f.lastUsedAt),
  })),
  passkeys: d.passkeys.map((p) => ({
    label: p.label,
    created_at: iso(p.createdAt),
    last_used_at: isoOrNull(p.lastUsedAt),
  })),
  recovery_codes: d.recoveryCodes,
  devices: d.devices.map((x) => ({
    user_agent: x.userAgent,
    ip: x.ip,
    created_at: iso(x.createdAt),
    last_seen_at: iso(x.lastSeenAt),
    remembered_until: isoOrNull(x.rememberedUntil),
  })),
  sessions: d.sessions.map((s) => ({
    created_at: iso(s.createdAt),
    last_seen_at: iso(s.lastSeenAt),
    expires_at: iso(s.expiresAt),
    ip: s.ip,
    user_agent: s.userAgent,
    revoked_at: isoOrNull(s.revokedAt),
  })),
  security_history: d.events.map((e) => ({
    type: e.type,
    at: iso(e.at),
    ip: e.ip,
    user_agent: e.userAgent,
    details: e.details,
  })),
  incident_exposures: d.exposures.map((x) => ({
    incident_id: x.incidentId,
    incident: x.incident,
    fields: x.fields,
    rows: x.rows,
    first_seen_at: iso(x.firstSeenAt),
  })),
  applications: d.applications.map((a) => ({
    client_id: a.clientId,
    name: a.name,
    expires_at: isoOrNull(a.expiresAt),
  })),
  pending_deletion: d.deletion
    ? {
        due_at: iso(d.deletion.dueAt),
        requested_by: d.deletion.requestedBy === `account:${d.profile.id}` ? 'self' : 'staff',
      }
    : null,
})
