import { describe, expect, it } from 'vitest'
import { clientSizes, gzipOf, SIGN_IN_BUDGET } from '../../../bench/lib/client-sizes.js'

/*
 * The client's weight in an application's bundle (esbuild, minified, gzipped): the sign-in subset
 * within its budget, and only what is imported shipped.
 */
describe('@gatehouse/client sizes', () => {
  it('keeps the sign-in subset within 15 kB gzipped', async () => {
    const sizes = await clientSizes()
    const byName = Object.fromEntries(sizes.map((s) => [s.name, s]))
    const subset = byName['sign-in subset']!
    expect(subset.budget).toBe(SIGN_IN_BUDGET)
    expect(subset.gzipBytes).toBeGreaterThan(2000)
    expect(subset.gzipBytes).toBeLessThanOrEqual(SIGN_IN_BUDGET)
    // The worker is a small script of its own.
    expect(byName['proof-of-work worker']!.gzipBytes).toBeLessThan(2048)
    console.info(sizes.map((s) => `${s.name}: ${s.gzipBytes} B`).join(', '))
  }, 30_000)

  it('is tree-shakable: a bundle holds only the calls it imports', async () => {
    const whole = await gzipOf('*')
    const getMe = await gzipOf(['createGatehouse', 'getMe'])
    const passwordOnly = await gzipOf(['createGatehouse', 'signIn', 'signOut'])
    const withPasskeys = await gzipOf(['createGatehouse', 'signIn', 'signOut', 'signInWithPasskey'])
    expect(getMe).toBeLessThan(whole * 0.6)
    // One more generated call costs tens of bytes, not the whole document's.
    expect((await gzipOf(['createGatehouse', 'getMe', 'listSessions'])) - getMe).toBeLessThan(200)
    // A password-only page does not carry the WebAuthn ceremony up front; passkey sign-in does.
    expect(withPasskeys - passwordOnly).toBeGreaterThan(1000)
  }, 30_000)
})
