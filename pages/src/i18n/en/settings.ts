/** Strings of the settings screens. */
export const settings = {
  'settings.title': 'Security settings',
} as const
