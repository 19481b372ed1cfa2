import { ACR_LEVELS, type AcrLevel } from './ports.js'

/** The `acr` value of each level, as ID tokens carry it and `acr_values` asks for it. */
export const ACR_URN: Record<AcrLevel, string> = {
  pwd: 'urn:gatehouse:acr:pwd',
  mfa: 'urn:gatehouse:acr:mfa',
  phr: 'urn:gatehouse:acr:phr',
}

const RANK: Record<AcrLevel, number> = { pwd: 0, mfa: 1, phr: 2 }

/**
 * What a sign-in proved, from its RFC 8176 methods: a passkey (`hwk`, `swk`) is phishing-resistant,
 * any second factor (`mfa`) is multi-factor, anything else one factor.
 */
export const levelOf = (amr: readonly string[]): AcrLevel =>
  amr.includes('hwk') || amr.includes('swk') ? 'phr' : amr.includes('mfa') ? 'mfa' : 'pwd'

export const satisfies = (have: AcrLevel, want: AcrLevel): boolean => RANK[have] >= RANK[want]

const levelOfUrn = (urn: string): AcrLevel | null => ACR_LEVELS.find((l) => ACR_URN[l] === urn) ?? null

/**
 * The level a sign-in for this request must reach: the client's own requirement, raised by the
 * request's `acr_values` (any of them will do, so the lowest one known counts; unknown ones are ignored).
 */
export const requiredLevel = (clientLevel: AcrLevel | null, acrValues: string | undefined): AcrLevel => {
  const asked = (acrValues ?? '')
    .split(' ')
    .map(levelOfUrn)
    .filter((l): l is AcrLevel => l !== null)
  const lowestAsked = asked.reduce<AcrLevel | null>(
    (low, l) => (low === null || RANK[l] < RANK[low] ? l : low),
    null,
  )
  const client = clientLevel ?? 'pwd'
  return lowestAsked && RANK[lowestAsked] > RANK[client] ? lowestAsked : client
}
