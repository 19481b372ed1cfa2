import type { oidc as en } from '../en/oidc'

/** Anmeldung bei Anwendungen über das Konto (OpenID Connect): Hinweise bei der Anmeldung und die Zustimmung. */
export const oidc: { [K in keyof typeof en]: string } = {
  'oidc.reauth': 'Melden Sie sich erneut an, um fortzufahren.',
  'oidc.level.mfa':
    'Die Anwendung, bei der Sie sich anmelden, verlangt einen zweiten Schritt: Bestätigen Sie nach Ihrem Passwort mit Ihrer Authenticator-App, einem Passkey oder einem Code.',
  'oidc.level.phr': 'Die Anwendung, bei der Sie sich anmelden, verlangt einen Passkey.',
  'oidc.level.phr.password':
    'Oder melden Sie sich mit Ihrem Passwort an und verwenden Sie danach Ihren Passkey:',
  'oidc.consent.title': 'Zugriff auf Ihr Konto erlauben?',
  'oidc.consent.wants': '{client} möchte:',
  'oidc.consent.as': 'Sie sind als {username} angemeldet.',
  'oidc.consent.allow': 'Erlauben',
  'oidc.consent.deny': 'Ablehnen',
  'oidc.consent.note':
    'Erlauben Sie nur Anwendungen, denen Sie vertrauen. Wenn Sie ablehnen, wird nichts weitergegeben.',
  'oidc.consent.expired.title': 'Diese Anfrage ist nicht mehr gültig',
  'oidc.consent.expired':
    'Die Anfrage der Anwendung ist abgelaufen oder wurde schon beantwortet. Gehen Sie zurück zur Anwendung und beginnen Sie von vorn.',
  'oidc.consent.back': 'Zu Ihrem Konto',
  'oidc.scope.openid': 'Bestätigen, wer Sie sind',
  'oidc.scope.profile': 'Ihren Benutzernamen und Ihre Sprache sehen',
  'oidc.scope.email': 'Ihre E-Mail-Adresse sehen',
  'oidc.scope.phone': 'Ihre Telefonnummer sehen',
  'oidc.scope.offline_access': 'Verbunden bleiben, auch wenn Sie sie nicht verwenden',
}
