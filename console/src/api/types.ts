/*
 * The API's shapes as the console reads them, every one derived from the generated OpenAPI types
 * (@gatehouse/client's schema): when a route's answer changes, these change with it and the build says where.
 */
import type { paths } from '@gatehouse/client'

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete'

/** The JSON body of the `status` answer of `method path`. */
export type Answer<
  P extends keyof paths,
  M extends Method = 'get',
  S extends number = 200,
> = paths[P][M] extends { responses: { [K in S]: { content: { 'application/json': infer B } } } } ? B : never

/** The query parameters of `method path`. */
export type Query<P extends keyof paths, M extends Method = 'get'> = NonNullable<
  paths[P][M] extends { parameters: { query?: infer Q } } ? Q : never
>

/** The JSON request body of `method path`. */
export type RequestBody<P extends keyof paths, M extends Method> = paths[P][M] extends {
  requestBody?: { content: { 'application/json': infer B } }
}
  ? B
  : never

/** The session's account, as `GET /v1/sessions/current` names it. */
export type Me = Pick<Answer<'/v1/sessions/current'>['account'], 'id' | 'username'>

export type Detection = Answer<'/v1/admin/detections/{id}'>
export type DetectionQuery = Query<'/v1/admin/detections'>
/**
 * An account as the admin API names it; `username` null: the account no longer exists. The role
 * is read as text: the account search answers it as a string, the references as one of the roles.
 */
export type AccountRef = Omit<NonNullable<Detection['account']>, 'role'> & {
  role: NonNullable<Detection['account']>['role'] | AccountSummary['role']
}
/** Who acted, as the admin API names them. */
export type ActorRef = NonNullable<Detection['closed_by_actor']>

export type AdminEvent = Answer<'/v1/admin/events'>['events'][number]
/** A security event as the lists show it: an account's own, or an admin event naming its account. */
export type EventItem = Pick<AdminEvent, 'id' | 'type' | 'time' | 'ip' | 'details'> & {
  account?: AccountRef | null
}

export type AccountSearch = Answer<'/v1/admin/accounts'>
export type AccountSummary = AccountSearch['accounts'][number]
export type AccountDetail = Answer<'/v1/admin/accounts/{id}'>

export type AuditPage = Answer<'/v1/admin/audit'>
export type AuditEntry = AuditPage['entries'][number]
export type AuditVerification = Answer<'/v1/admin/audit/verify'>

export type DeadLetters = Answer<'/v1/admin/outbox/dead'>
export type DeadLetter = DeadLetters['messages'][number]

export type Stats = Answer<'/v1/admin/stats'>

export type AccessReview = Answer<'/v1/admin/access-review'>
export type AccessPrincipal = AccessReview['principals'][number]
export type BulkResult = Answer<'/v1/admin/access-review/revoke', 'post'>['results'][number]

export type OidcClient = Answer<'/v1/admin/oidc/clients/{id}'>
export type OidcClientCreated = Answer<'/v1/admin/oidc/clients', 'post', 201>
export type OidcClientChange = RequestBody<'/v1/admin/oidc/clients/{id}', 'patch'>

export type Incident = Answer<'/v1/admin/incidents/{id}'>
export type IncidentSeverity = Incident['severity']
export type ImportView = Answer<'/v1/admin/incidents/{id}/imports/{importId}'>
export type TimelineEntry = Answer<'/v1/admin/incidents/{id}/timeline'>['entries'][number]
export type Exposures = Answer<'/v1/admin/incidents/{id}/exposures'>

export type Campaign = Answer<'/v1/admin/campaigns/{id}'>
export type CampaignProgressView = Campaign['progress']
export type CampaignAction = Campaign['action']
export type CampaignRequest = RequestBody<'/v1/admin/campaigns', 'post'>
export type DryRun = Answer<'/v1/admin/campaigns', 'post', 200>

/**
 * `GET /v1/admin/incidents/{id}/report?format=json`. The route answers Markdown or JSON by its
 * `format` and declares no response schema, so this one shape is the console's reading of it
 * (docs/incidents.md); the fields it uses are the ones the report's fast facts always carry.
 */
export interface IncidentReport {
  fast_facts: {
    accounts_exposed: number
    fields_exposed: Record<string, number>
    sessions_revoked: number
    resets_forced: number
    messages_sent: number
    messages_queued: number
    exposed_without_second_factor: number
  }
  open_items: string[]
  audit_chain: { verified: boolean; entries: number; head: string }
  generated_at: string
}
