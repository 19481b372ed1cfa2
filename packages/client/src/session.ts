/*
 * The current session: who is signed in, and signing out.
 */
import type { Gatehouse } from './client.js'
import { isError } from './errors.js'
import { deleteCurrentSession } from './operations.js'

/**
 * Signs out: Gatehouse ends the current session (and, in `cookie` mode, clears its cookie); the
 * client forgets the token. A session that had already ended counts as signed out. When Gatehouse
 * cannot be reached the error is thrown and the token kept, so that signing out can be tried
 * again. The device token is kept: this device stays known.
 */
export const signOut = async (gh: Gatehouse): Promise<void> => {
  try {
    await deleteCurrentSession(gh)
  } catch (e) {
    if (!isError(e, 'unauthenticated')) throw e
  }
  gh.setToken(null)
}
