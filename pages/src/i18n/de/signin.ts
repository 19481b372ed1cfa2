import type { signin as en } from '../en/signin'

export const signin: { [K in keyof typeof en]: string } = {
  'signin.title': 'Anmelden',
}
