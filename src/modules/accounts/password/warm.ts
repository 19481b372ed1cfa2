/** Loading the password lists ahead of need, so that no request pays for it. */
import { getCommonList } from './blocklist.js'
import { getZxcvbn } from './strength.js'

/** Loads the blocklist and zxcvbn's dictionaries now, so the first sign-up does not wait for them. */
export const warmPasswordLists = (): void => {
  getCommonList()
  getZxcvbn()
}
