/*
 * @gatehouse/client: Gatehouse's API for browsers and Node.js 20+.
 *
 *   import { createGatehouse, signIn } from '@gatehouse/client'
 *   const gh = createGatehouse({ baseUrl: 'https://id.example.com' })
 *   const step = await signIn(gh, { identifier, password })
 *
 * Every operation of the OpenAPI document is a function of its own (operations.ts, generated), so
 * a bundle holds only the calls it uses.
 */
export type { CaptchaChallenge, PowChallenge, SolveOptions } from './challenge.js'
export { captchaOf, leadingZeroBits, powOf, solvePow } from './challenge.js'
export type { Gatehouse, GatehouseOptions, TokenStore } from './client.js'
export { createGatehouse, DEVICE_KEY, memoryStore, SESSION_KEY } from './client.js'
export type { ErrorCode } from './error-codes.js'
export { errorOf, GatehouseError, isError } from './errors.js'
export type { Init, Success } from './operation-types.js'
export * from './operations.js'
export type { RegisteredPasskey } from './passkeys.js'
export { reauthenticateWithPasskey, registerPasskey, signInWithPasskey } from './passkeys.js'
export type { components, operations, paths } from './schema.js'
export { signOut } from './session.js'
export type { Assertion, SecondFactorMethod, SecondFactorStep, SignedIn, SignInResult } from './signin.js'
export { signIn } from './signin.js'
export type { Solver, SolverOptions, Solving } from './solve.js'
export { ChallengeCancelled } from './solve.js'
