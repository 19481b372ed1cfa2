/** Strings of the signin screens. */
export const signin = {
  'signin.title': 'Sign in',
} as const
