import type { FastifyReply, FastifyRequest } from 'fastify'
import type Provider from 'oidc-provider'
import type { HttpServer } from '../../http/server.js'

/** A handler of the raw request, built once per provider. */
type Callback = ReturnType<Provider['callback']>

/**
 * Hands every request under /oidc/ (but the interaction routes, which Gatehouse answers) and the
 * discovery document to the provider, untouched: the framework has read no body and written no
 * answer. The server's own first hooks (security headers, the CSRF check, the drain) have run.
 * `screen` runs first and may refuse with a problem document (the guard on the token endpoints).
 */
export const mountProvider = (
  app: HttpServer,
  deps: {
    /** GATEHOUSE_PUBLIC_URL: every URL the provider writes is under it, never under the Host header. */
    publicUrl: string
    callback: () => Promise<Callback>
    screen?: (req: FastifyRequest) => Promise<void>
  },
) => {
  const issuer = new URL(deps.publicUrl)
  const handOver = async (req: FastifyRequest, reply: FastifyReply) => {
    await deps.screen?.(req)
    // The provider trusts these (it runs behind "a proxy"): they say what the public URL says, and
    // the address is the one the server resolved under GATEHOUSE_TRUST_PROXY.
    const h = req.raw.headers
    h.host = issuer.host
    h['x-forwarded-proto'] = issuer.protocol.slice(0, -1)
    h['x-forwarded-for'] = req.ip
    delete h['x-forwarded-host']
    // The provider's own pages post forms that end at an application (form_post answers, the
    // sign-out confirmation's redirect to a registered post-logout URI): the server's
    // `form-action 'self'` would stop them there. Everything else of the policy stays.
    const csp = reply.raw.getHeader('content-security-policy')
    if (typeof csp === 'string')
      reply.raw.setHeader(
        'content-security-policy',
        csp
          .split(';')
          .filter((d) => !d.trim().startsWith('form-action'))
          .join(';'),
      )
    const callback = await deps.callback()
    reply.hijack()
    await new Promise<void>((resolve) => {
      reply.raw.once('close', resolve)
      reply.raw.once('finish', resolve)
      callback(req.raw, reply.raw)
    })
  }
  const methods = ['GET', 'POST', 'OPTIONS'] as const
  for (const url of ['/.well-known/openid-configuration', '/oidc/*'])
    app.route({
      method: [...methods],
      url,
      schema: { hide: true },
      onRequest: handOver,
      handler: async () => undefined,
    })
}
