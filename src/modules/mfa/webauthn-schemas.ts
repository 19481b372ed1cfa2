import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server'
import { z } from 'zod'

/*
 * Request shapes of WebAuthn ceremonies, as @simplewebauthn/browser (and the WebAuthn JSON
 * serialisation of browsers) produce them. Checked here for shape and size only; the signatures,
 * challenges, origins and relying-party ids are checked by @simplewebauthn/server.
 */

const b64url = (max: number) =>
  z
    .string()
    .max(max)
    .regex(/^[A-Za-z0-9_-]*$/, { message: 'must be base64url' })

const transports = z.array(z.string().max(32)).max(10)

export const RegistrationResponse = z.object({
  id: b64url(1024).min(1),
  rawId: b64url(1024).min(1),
  type: z.literal('public-key'),
  response: z
    .object({
      clientDataJSON: b64url(8192),
      attestationObject: b64url(32768),
      transports: transports.optional(),
    })
    .loose(),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
})

export const AuthenticationResponse = z.object({
  id: b64url(1024).min(1),
  rawId: b64url(1024).min(1),
  type: z.literal('public-key'),
  response: z
    .object({
      clientDataJSON: b64url(8192),
      authenticatorData: b64url(8192),
      signature: b64url(2048),
      userHandle: b64url(512).optional(),
    })
    .loose(),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
})

/** The checked request body as the verifier's type (the shapes above are a subset of it). */
export const asRegistration = (r: z.infer<typeof RegistrationResponse>): RegistrationResponseJSON =>
  r as unknown as RegistrationResponseJSON
export const asAuthentication = (r: z.infer<typeof AuthenticationResponse>): AuthenticationResponseJSON =>
  r as unknown as AuthenticationResponseJSON
