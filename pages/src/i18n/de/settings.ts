import type { settings as en } from '../en/settings'

export const settings: { [K in keyof typeof en]: string } = {
  'settings.title': 'Sicherheitseinstellungen',
}
