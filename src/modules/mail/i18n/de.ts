/** The German catalog of every mail and SMS sentence (formal address); keys as in en.ts. */
import type { Catalog } from './catalog.js'

export const de: Catalog = {
  // Shared
  greeting: 'Hallo {username},',
  'greeting.plain': 'Hallo,',
  'token.intro': 'Falls Sie nach einem Token gefragt werden, verwenden Sie dieses:',
  ifYouDid: 'Wenn Sie das selbst waren, müssen Sie nichts weiter tun.',
  'footer.support': 'Hilfe und Kontakt:',
  'footer.privacy': 'So gehen wir mit Ihren Daten um:',

  // verify_email
  'verifyEmail.subject': 'Bestätigen Sie Ihre E-Mail-Adresse für {product}',
  'verifyEmail.intro':
    'Bitte bestätigen Sie über den folgenden Link, dass dies Ihre E-Mail-Adresse für Ihr {product}-Konto ist:',
  'verifyEmail.expiresIn': {
    one: 'Link und Token sind {count} Stunde lang gültig.',
    other: 'Link und Token sind {count} Stunden lang gültig.',
  },
  'verifyEmail.expiresSoon': 'Link und Token sind nur kurze Zeit gültig.',
  'verifyEmail.notYou': 'Wenn Sie dieses Konto nicht angelegt haben, können Sie diese E-Mail ignorieren.',

  // signup_existing_email
  'signupExisting.subject': 'Jemand wollte sich mit Ihrer E-Mail-Adresse bei {product} registrieren',
  'signupExisting.attempt': 'Jemand hat versucht, mit Ihrer E-Mail-Adresse ein {product}-Konto anzulegen.',
  'signupExisting.ifYou':
    'Falls Sie das waren: Sie haben bereits ein Konto (Benutzername {username}). Melden Sie sich damit an, oder setzen Sie Ihr Passwort zurück, falls Sie es vergessen haben.',
  'signupExisting.notYou':
    'Falls nicht, können Sie diese E-Mail ignorieren. Niemand hat Zugriff auf Ihr Konto erhalten.',

  // verify_new_email
  'verifyNewEmail.subject': 'Bestätigen Sie Ihre neue E-Mail-Adresse für {product}',
  'verifyNewEmail.intro':
    'Sie möchten diese Adresse für Ihr {product}-Konto verwenden. Bestätigen Sie sie über diesen Link:',
  'verifyNewEmail.until':
    'Bis dahin bleibt Ihre bisherige Adresse in Gebrauch. Wenn Sie das nicht veranlasst haben, ignorieren Sie diese E-Mail.',

  // email_change_address_in_use
  'addressInUse.subject': 'Jemand wollte Ihre Adresse für ein {product}-Konto verwenden',
  'addressInUse.attempt':
    'Jemand, der bei einem {product}-Konto angemeldet ist, wollte dieses Konto auf diese E-Mail-Adresse umstellen. Die Adresse gehört bereits zu einem Konto, deshalb wurde nichts geändert.',
  'addressInUse.advice':
    'Falls Sie das waren, melden Sie sich stattdessen bei dem Konto an, zu dem diese Adresse gehört. Andernfalls können Sie diese E-Mail ignorieren.',

  // account_deletion_scheduled
  'deletion.subject': 'Ihr {product}-Konto wird am {date} gelöscht',
  'deletion.intro':
    'Ihr {product}-Konto wird am {date} gelöscht. Bis dahin ist es geschlossen: Niemand kann sich anmelden, und alle Geräte wurden abgemeldet.',
  'deletion.then': 'An diesem Tag werden das Konto und alle dazu gespeicherten Daten endgültig gelöscht.',
  'deletion.cancel':
    'Sie haben es sich anders überlegt? Öffnen Sie vorher diesen Link, um das Konto zu behalten:',
  'deletion.notYou':
    'Wenn Sie das nicht beantragt haben, öffnen Sie den Link jetzt und ändern Sie danach Ihr Passwort: Jemand anderes kennt es womöglich.',

  // phone_code (SMS)
  'phoneCode.sms': {
    one: '{product}: Ihr Bestätigungscode lautet {code}. Er ist {count} Minute gültig. Geben Sie ihn niemals weiter.',
    other:
      '{product}: Ihr Bestätigungscode lautet {code}. Er ist {count} Minuten gültig. Geben Sie ihn niemals weiter.',
  },

  // campaign_notice
  'campaign.subject': 'Ein Sicherheitshinweis zu Ihrem {product}-Konto',

  // login_code
  'loginCode.subject': 'Ihr Anmeldecode für {product}',
  'loginCode.body': {
    one: 'Ihr Code zum Abschließen der Anmeldung bei {product} lautet {code}. Er ist {count} Minute gültig und funktioniert nur einmal.',
    other:
      'Ihr Code zum Abschließen der Anmeldung bei {product} lautet {code}. Er ist {count} Minuten gültig und funktioniert nur einmal.',
  },
  'loginCode.warning':
    'Geben Sie diesen Code niemals an andere weiter. Wenn Sie sich gerade nicht anmelden, kennt jemand Ihr Passwort: Ändern Sie es sofort.',
  'loginCode.sms':
    '{product}: Ihr Anmeldecode lautet {code}. Er ist 10 Minuten gültig. Geben Sie ihn niemals weiter. Sie melden sich gerade nicht an? Ändern Sie Ihr Passwort.',

  // new_login
  'newLogin.subject': 'Neue Anmeldung bei Ihrem {product}-Konto',
  'newLogin.body':
    'Bei Ihrem {product}-Konto hat sich ein Gerät angemeldet, das bisher nicht verwendet wurde: {device}, am {time}, von der Adresse {ip}.',
  'newLogin.bodyWithPlace':
    'Bei Ihrem {product}-Konto hat sich ein Gerät angemeldet, das bisher nicht verwendet wurde: {device}, am {time}, von der Adresse {ip} (ungefähr {place}).',
  'newLogin.ifYou': 'Wenn Sie das waren, müssen Sie nichts tun.',
  'newLogin.notYou':
    'Falls nicht, öffnen Sie diesen Link: Er meldet das Gerät ab, sperrt die Anmeldung und schickt Ihnen einen Link, mit dem Sie ein neues Passwort festlegen können.',

  // recovery_email
  'recovery.subject': 'Setzen Sie Ihr Passwort für {product} zurück',
  'recovery.intro':
    'Jemand hat angefordert, das Passwort Ihres {product}-Kontos zurückzusetzen. Um ein neues festzulegen, öffnen Sie:',
  'recovery.expiresIn': {
    one: 'Der Link ist {count} Minute gültig und funktioniert nur einmal.',
    other: 'Der Link ist {count} Minuten gültig und funktioniert nur einmal.',
  },
  'recovery.expiresSoon': 'Der Link ist nur kurze Zeit gültig.',
  'recovery.notYou':
    'Wenn Sie das nicht angefordert haben, ignorieren Sie diese E-Mail: Ihr Passwort bleibt unverändert, und ohne Zugriff auf Ihr Postfach kann niemand diesen Link verwenden. Wir fragen Sie niemals am Telefon oder im Chat nach diesem Token.',
  'recovery.sms':
    '{product}: Setzen Sie Ihr Passwort hier zurück: {url} (nur kurz gültig, nur einmal verwendbar). Das waren Sie nicht? Dann ignorieren Sie diese Nachricht. Token: {token}',

  // recovery_digest
  'digest.subject': {
    one: '{count} Anfrage zum Zurücksetzen des Passworts für Ihr {product}-Konto wurde blockiert',
    other: '{count} Anfragen zum Zurücksetzen des Passworts für Ihr {product}-Konto wurden blockiert',
  },
  'digest.body': {
    one: 'Heute wurde {count} Anfrage zum Zurücksetzen des Passworts für Ihr {product}-Konto blockiert, weil zu viele Anfragen kamen. Dafür haben wir keinen Link zum Zurücksetzen verschickt.',
    other:
      'Heute wurden {count} Anfragen zum Zurücksetzen des Passworts für Ihr {product}-Konto blockiert, weil sie zu häufig kamen. Dafür haben wir keinen Link zum Zurücksetzen verschickt.',
  },
  'digest.nothingToDo': 'Sie müssen nichts unternehmen: Ihr Passwort wurde nicht geändert.',
  'digest.advice':
    'Schützen Sie Ihr Konto besser, indem Sie in den Einstellungen Ihres {product}-Kontos die Zwei-Faktor-Authentifizierung aktivieren. Dann können Sie auch festlegen, dass vor jeder Nachricht zum Zurücksetzen Ihr zweiter Faktor abgefragt wird.',

  // security_change
  'change.factor_added.subject': 'Ihrem {product}-Konto wurde ein zweiter Faktor hinzugefügt',
  'change.factor_added.body': 'Ihrem {product}-Konto wurde soeben ein zweiter Faktor hinzugefügt.',
  'change.factor_added.short': 'Ihrem Konto wurde ein zweiter Faktor hinzugefügt.',
  'change.factor_removed.subject': 'Von Ihrem {product}-Konto wurde ein zweiter Faktor entfernt',
  'change.factor_removed.body': 'Von Ihrem {product}-Konto wurde soeben ein zweiter Faktor entfernt.',
  'change.factor_removed.short': 'Von Ihrem Konto wurde ein zweiter Faktor entfernt.',
  'change.recovery_codes_regenerated.subject':
    'Für Ihr {product}-Konto wurden neue Wiederherstellungscodes erstellt',
  'change.recovery_codes_regenerated.body':
    'Für Ihr {product}-Konto wurden soeben neue Wiederherstellungscodes erstellt.',
  'change.recovery_codes_regenerated.short': 'Für Ihr Konto wurden neue Wiederherstellungscodes erstellt.',
  'change.email_change_requested.subject':
    'Für Ihr {product}-Konto wurde eine neue E-Mail-Adresse angefordert',
  'change.email_change_requested.body':
    'Für Ihr {product}-Konto wurde soeben eine neue E-Mail-Adresse angefordert.',
  'change.email_change_requested.short': 'Für Ihr Konto wurde eine neue E-Mail-Adresse angefordert.',
  'change.email_changed.subject': 'Die E-Mail-Adresse Ihres {product}-Kontos wurde geändert',
  'change.email_changed.body': 'Die E-Mail-Adresse Ihres {product}-Kontos wurde soeben geändert.',
  'change.email_changed.short': 'Die E-Mail-Adresse Ihres Kontos wurde geändert.',
  'change.phone_changed.subject': 'Die Telefonnummer Ihres {product}-Kontos wurde geändert oder entfernt',
  'change.phone_changed.body':
    'Die Telefonnummer Ihres {product}-Kontos wurde soeben geändert oder entfernt.',
  'change.phone_changed.short': 'Die Telefonnummer Ihres Kontos wurde geändert oder entfernt.',
  'securityChange.ifNot':
    'Falls nicht, ist jemand bei Ihrem Konto angemeldet: Ändern Sie sofort Ihr Passwort (damit werden alle anderen Geräte abgemeldet), oder starten Sie die Kontowiederherstellung.',
  'securityChange.sms': '{product}: {change} Das waren Sie nicht? Ändern Sie sofort Ihr Passwort: {url}',

  // password_changed
  'passwordChanged.subject': 'Das Passwort Ihres {product}-Kontos wurde geändert',
  'passwordChanged.body': 'Das Passwort Ihres {product}-Kontos wurde soeben geändert.',
  'passwordChanged.lockAdvice':
    'Falls nicht, sperren Sie Ihr Konto jetzt: Damit werden alle Geräte abgemeldet, und die Anmeldung bleibt gesperrt, bis Sie das Konto wiederherstellen (mit Ihrem zweiten Faktor, falls Sie einen haben).',
  'passwordChanged.recoverAdvice':
    'Falls nicht, kennt möglicherweise jemand anderes Ihr Passwort: Starten Sie sofort die Kontowiederherstellung.',
  'passwordChanged.smsLock':
    '{product}: Ihr Passwort wurde geändert. Das waren Sie nicht? Sperren Sie Ihr Konto: {url}',
  'passwordChanged.smsRecover':
    '{product}: Ihr Passwort wurde geändert. Falls Sie das nicht waren, starten Sie die Kontowiederherstellung unter {url}',

  // phone_changed
  'phoneChanged.subjectRemoved': 'Die Telefonnummer Ihres {product}-Kontos wurde entfernt',
  'phoneChanged.subjectChanged': 'Die Telefonnummer Ihres {product}-Kontos wurde geändert',
  'phoneChanged.bodyRemoved':
    'Die Telefonnummer Ihres {product}-Kontos wurde soeben entfernt. Sie kann nicht mehr zur Anmeldung oder zur Wiederherstellung des Kontos verwendet werden.',
  'phoneChanged.bodyChanged':
    'Die Telefonnummer Ihres {product}-Kontos wurde soeben geändert. Sobald sie mit dem Code bestätigt ist, den wir an sie geschickt haben, kann sie zur Anmeldung und zur Wiederherstellung des Kontos verwendet werden.',
  'phoneChanged.bodyChangedTo':
    'Die Telefonnummer Ihres {product}-Kontos wurde soeben auf eine Nummer mit den Endziffern {last2} geändert. Sobald sie mit dem Code bestätigt ist, den wir an sie geschickt haben, kann sie zur Anmeldung und zur Wiederherstellung des Kontos verwendet werden.',
  'phoneChanged.ifNot':
    'Falls nicht, ist jemand bei Ihrem Konto angemeldet und kennt Ihr Passwort: Ändern Sie sofort Ihr Passwort (damit werden alle anderen Geräte abgemeldet), oder starten Sie die Kontowiederherstellung.',
}
