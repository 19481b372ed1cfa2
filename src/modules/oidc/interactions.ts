import type { FastifyReply, FastifyRequest } from 'fastify'
import type Provider from 'oidc-provider'
import { z } from 'zod'
import { type HttpServer, requestContext } from '../../http/server.js'
import type { Clock } from '../../kernel/clock.js'
import { AppError } from '../../kernel/errors.js'
import type { EventRecorder } from '../events/recorder.js'
import { presentedToken } from '../sessions/http-auth.js'
import type { SessionPrincipal } from '../sessions/ports.js'
import type { SessionsService } from '../sessions/service.js'
import { ACR_URN, levelOf, requiredLevel, satisfies } from './acr.js'
import type { OidcClientRecord, OidcClientRepository } from './ports.js'

export interface InteractionDeps {
  provider: () => Promise<Provider>
  /** When the interaction began, in epoch ms on Gatehouse's clock; null when unknown. */
  startedAt: (uid: string) => Promise<number | null>
  sessions: SessionsService
  clients: OidcClientRepository
  events: EventRecorder
  clock: Clock
}

type Details = Awaited<ReturnType<Provider['interactionDetails']>>

/**
 * The interaction this browser is in, or `interaction_expired`: oidc-provider throws its own errors
 * (SessionNotFound and the like) for a missing cookie or an unknown, finished or expired interaction.
 */
const detailsOf = async (provider: Provider, req: FastifyRequest, reply: FastifyReply): Promise<Details> => {
  try {
    return await provider.interactionDetails(req.raw, reply.raw)
  } catch (err) {
    if (err instanceof Error && 'statusCode' in err && Number(err.statusCode) < 500)
      throw new AppError('interaction_expired')
    throw err
  }
}

const Uid = z.object({ uid: z.string().min(1).max(64) })

const param = (d: Details, name: string): string | undefined => {
  const v = d.params[name]
  return typeof v === 'string' ? v : undefined
}

/** What the sign-in behind a session may answer for this interaction, or why it may not. */
const judgeLogin = (
  d: Details,
  principal: SessionPrincipal | null,
  client: OidcClientRecord | null,
  at: { now: number; startedAt: number | null },
): { ok: true } | { ok: false; fresh: boolean; denied?: string } => {
  const needed = requiredLevel(client?.requireAcr ?? null, param(d, 'acr_values'))
  const wantsFresh = d.prompt.reasons.includes('login_prompt')
  if (!principal) return { ok: false, fresh: wantsFresh }
  const { authenticatedAt, amr } = principal.session
  // Without the stored start, the end of the second the provider recorded: never too early.
  const startedAt = at.startedAt ?? (d.iat + 1) * 1000
  const { now } = at
  const signedInSince = authenticatedAt > startedAt
  const maxAge = Number(param(d, 'max_age') ?? Number.NaN)
  const fresh =
    (!wantsFresh || signedInSince) && (Number.isNaN(maxAge) || authenticatedAt >= now - maxAge * 1000)
  if (!fresh) return { ok: false, fresh: true }
  if (satisfies(levelOf(amr), needed)) return { ok: true }
  // Signed in just now and still short of the level: asking again would loop.
  if (signedInSince)
    return {
      ok: false,
      fresh: true,
      denied:
        needed === 'phr'
          ? 'This application requires signing in with a passkey'
          : 'This application requires a second factor at sign-in',
    }
  return { ok: false, fresh: true }
}

/** Where the sign-in page takes over for an interaction. */
const signInUrl = (uid: string, fresh: boolean, level: string) => {
  const q = new URLSearchParams({ interaction: uid })
  if (fresh) q.set('reauth', '1')
  if (level !== 'pwd') q.set('level', level)
  return `/sign-in?${q}`
}

/** The sign-in step of an application's request: an existing Gatehouse session answers, or the sign-in page. */
const loginStep = async (deps: InteractionDeps, req: FastifyRequest, reply: FastifyReply, d: Details) => {
  const provider = await deps.provider()
  const token = presentedToken(req)
  const principal = token ? await deps.sessions.authenticate(token, { fresh: true }) : null
  // A session that must first change its password or enrol a factor can do only that: signing in
  // again would open another such session, so the holder is sent where that is done.
  if (principal?.session.restricted || principal?.session.mfaEnrolment)
    return reply.redirect('/security', 303)
  const client = await deps.clients.find(param(d, 'client_id') ?? '')
  const startedAt = await deps.startedAt(d.uid)
  const judged = judgeLogin(d, principal, client, { now: deps.clock.now(), startedAt })
  if (judged.ok && principal) {
    const { session, account } = principal
    const level = levelOf(session.amr)
    const login = {
      accountId: account.id,
      acr: ACR_URN[level],
      amr: session.amr,
      ts: Math.floor(session.authenticatedAt / 1000),
    }
    const to = await provider.interactionResult(
      req.raw,
      reply.raw,
      { login },
      { mergeWithLastSubmission: false },
    )
    await deps.events.record('oidc_login', account.id, requestContext(req), {
      client_id: client?.id ?? null,
      acr: login.acr,
      amr: session.amr,
    })
    return reply.redirect(to, 303)
  }
  if (!judged.ok && judged.denied) {
    const result = { error: 'access_denied', error_description: judged.denied }
    return reply.redirect(await provider.interactionResult(req.raw, reply.raw, result), 303)
  }
  const needed = requiredLevel(client?.requireAcr ?? null, param(d, 'acr_values'))
  return reply.redirect(signInUrl(d.uid, !judged.ok && judged.fresh, needed), 303)
}

/**
 * The provider's interaction endpoints: `GET /oidc/interaction/:uid` decides each step (sign-in on
 * the account pages, consent for third-party applications); the consent page reads and answers
 * through the two JSON routes under it. The provider's interaction cookie binds them to the browser
 * that started the request.
 */
export const interactionRoutes = (app: HttpServer, deps: InteractionDeps) => {
  const hide = { hide: true }
  app.get('/oidc/interaction/:uid', { schema: { ...hide, params: Uid } }, async (req, reply) => {
    const provider = await deps.provider()
    const d = await detailsOf(provider, req, reply)
    if (d.uid !== req.params.uid) return reply.redirect(`/oidc/interaction/${d.uid}`, 303)
    if (d.prompt.name === 'login') return loginStep(deps, req, reply, d)
    // First-party applications are Gatehouse's own: what they ask for is granted without a screen.
    const client = await deps.clients.find(param(d, 'client_id') ?? '')
    const accountId = d.session?.accountId
    if (client?.firstParty && accountId)
      return reply.redirect(await approve(deps, provider, req, reply, d, accountId), 303)
    return reply.redirect(`/consent?${new URLSearchParams({ interaction: d.uid })}`, 303)
  })
  consentRoutes(app, deps)
}

const ConsentView = z.object({
  client: z.object({ id: z.string(), name: z.string(), description: z.string().nullable() }),
  scopes: z.array(z.string()).describe('Scopes the application asks for that the holder has not yet allowed'),
  claims: z.array(z.string()),
})

const consentRoutes = (app: HttpServer, deps: InteractionDeps) => {
  app.get(
    '/oidc/interaction/:uid/details',
    { schema: { hide: true, params: Uid, response: { 200: ConsentView } } },
    async (req, reply) => {
      const d = await detailsOf(await deps.provider(), req, reply)
      const client = await deps.clients.find(param(d, 'client_id') ?? '')
      const missing = d.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] }
      return {
        client: { id: client?.id ?? '', name: client?.name ?? '', description: client?.description ?? null },
        scopes: missing.missingOIDCScope ?? [],
        claims: missing.missingOIDCClaims ?? [],
      }
    },
  )
  app.post(
    '/oidc/interaction/:uid/consent',
    {
      schema: {
        hide: true,
        params: Uid,
        body: z.strictObject({ approve: z.boolean() }),
        response: { 200: z.object({ redirect_to: z.string() }) },
      },
    },
    async (req, reply) => {
      const provider = await deps.provider()
      const d = await detailsOf(provider, req, reply)
      const accountId = d.session?.accountId
      const clientId = param(d, 'client_id') ?? ''
      const ctx = requestContext(req)
      if (d.prompt.name !== 'consent' || !accountId) {
        return { redirect_to: `/oidc/interaction/${d.uid}` }
      }
      if (!req.body.approve) {
        await deps.events.record('oidc_consent_denied', accountId, ctx, { client_id: clientId })
        const result = { error: 'access_denied', error_description: 'The holder declined' }
        return { redirect_to: await provider.interactionResult(req.raw, reply.raw, result) }
      }
      const to = await approve(deps, provider, req, reply, d, accountId)
      return { redirect_to: to }
    },
  )
}

/** Grants what the interaction asks for that is still missing; returns where the browser goes on. */
const approve = async (
  deps: InteractionDeps,
  provider: Provider,
  req: FastifyRequest,
  reply: FastifyReply,
  d: Details,
  accountId: string,
): Promise<string> => {
  const clientId = param(d, 'client_id') ?? ''
  const missing = d.prompt.details as {
    missingOIDCScope?: string[]
    missingOIDCClaims?: string[]
    missingResourceScopes?: Record<string, string[]>
  }
  const grant =
    (d.grantId ? await provider.Grant.find(d.grantId) : undefined) ??
    new provider.Grant({ accountId, clientId })
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '))
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims)
  for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {}))
    grant.addResourceScope(indicator, scopes.join(' '))
  const grantId = await grant.save()
  await deps.events.record('oidc_consent_given', accountId, requestContext(req), {
    client_id: clientId,
    scopes: missing.missingOIDCScope ?? [],
  })
  return provider.interactionResult(
    req.raw,
    reply.raw,
    { consent: { grantId } },
    { mergeWithLastSubmission: true },
  )
}
