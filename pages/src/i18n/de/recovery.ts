import type { recovery as en } from '../en/recovery'

export const recovery: { [K in keyof typeof en]: string } = {
  'recovery.title': 'Passwort zurücksetzen',
  'recovery.intro':
    'Geben Sie Ihren Benutzernamen, Ihre E-Mail-Adresse oder Telefonnummer ein. Wenn sie zu einem Konto passt, senden wir einen Link, mit dem Sie ein neues Passwort festlegen.',
  'recovery.channel': 'Link senden per',
  'recovery.channel.email': 'E-Mail',
  'recovery.channel.sms': 'SMS',
  'recovery.lock.summary': 'Haben Sie den Rücksetzschutz eingeschaltet?',
  'recovery.lock.body':
    'Wenn Sie festgelegt haben, dass zum Zurücksetzen Ihr zweiter Faktor nötig ist, geben Sie hier einen aktuellen Code aus Ihrer Authenticator-App ein.',
  'recovery.submit': 'Link zum Zurücksetzen senden',
  'recovery.sent.title': 'Sehen Sie in Ihre Nachrichten',
  'recovery.sent.body':
    'Wenn Ihre Eingabe zu einem Konto passt, haben wir einen Link zum Zurücksetzen des Passworts an dessen E-Mail-Adresse gesendet. Wir antworten in jedem Fall gleich, damit niemand herausfinden kann, wer ein Konto hat.',
  'recovery.sent.bodySms':
    'Wenn Ihre Eingabe zu einem Konto mit bestätigter Telefonnummer passt, haben wir einen Link zum Zurücksetzen des Passworts per SMS gesendet. Wir antworten in jedem Fall gleich, damit niemand herausfinden kann, wer ein Konto hat.',
  'recovery.sent.hint': 'Gesendet an: {hint}',
  'recovery.sent.next':
    'Der Link gilt nur begrenzte Zeit und nur einmal. Nach ein paar Minuten noch nichts da? Prüfen Sie den Spam-Ordner und Ihre Eingabe. Zu Ihrer Sicherheit senden wir nur wenige Links pro Stunde.',
  'recovery.sent.again': 'Etwas anderes eingeben',
  'recovery.problem.password_reused':
    'Wählen Sie ein Passwort, das Sie für dieses Konto noch nicht verwendet haben.',
  'recovery.problem.mfa_required':
    'Ihr Konto ist mit Anmeldung in zwei Schritten geschützt: Geben Sie einen Code aus Ihrer App oder einen Wiederherstellungscode ein.',
  'reset.title': 'Neues Passwort wählen',
  'reset.password': 'Neues Passwort',
  'reset.submit': 'Neues Passwort festlegen',
  'reset.factor.title': 'Mit Ihrem zweiten Faktor bestätigen',
  'reset.factor.body':
    'Ihr Konto ist mit Anmeldung in zwei Schritten geschützt. Geben Sie zum Zurücksetzen einen Code aus Ihrer Authenticator-App oder einen Ihrer Wiederherstellungscodes ein.',
  'reset.factor.useRecovery': 'Stattdessen einen Wiederherstellungscode verwenden',
  'reset.factor.useTotp': 'Stattdessen einen Code aus der App verwenden',
  'reset.problem.invalid_code':
    'Dieser Code hat nicht funktioniert. Prüfen Sie ihn und versuchen Sie es erneut; Ihr Passwort wurde nicht geändert.',
  'reset.invalid':
    'Dieser Link ist nicht mehr gültig: Er ist vielleicht abgelaufen oder wurde schon verwendet. Fordern Sie einen neuen an.',
  'reset.noToken':
    'Öffnen Sie zum Festlegen eines neuen Passworts den Link aus unserer Nachricht oder fordern Sie einen neuen an.',
  'reset.newLink': 'Neuen Link anfordern',
  'reset.done.title': 'Ihr Passwort wurde geändert',
  'reset.done.body':
    'Ihr neues Passwort ist festgelegt. Zu Ihrer Sicherheit wurden Sie überall abgemeldet: Alle Sitzungen sind beendet.',
  'reset.done.notice':
    'Wir haben Ihnen einen Hinweis auf diese Änderung an Ihre E-Mail-Adresse und Ihr Telefon gesendet. Melden Sie sich mit Ihrem neuen Passwort an.',
  'notme.title': 'Eine Anmeldung, die Sie nicht kennen',
  'notme.body':
    'Wir haben Sie über eine neue Anmeldung bei Ihrem Konto informiert. Wenn Sie das nicht waren, sichern Sie Ihr Konto jetzt.',
  'notme.lock.title': 'Eine Passwortänderung, die Sie nicht vorgenommen haben',
  'notme.lock.body':
    'Wir haben Sie informiert, dass Ihr Passwort geändert wurde. Wenn Sie das nicht waren, sperren Sie Ihr Konto jetzt.',
  'notme.what':
    'Damit wird Ihr Konto auf allen Geräten abgemeldet, und niemand kann sich anmelden, bis Sie ein neues Passwort wählen. Es geschieht nichts, bevor Sie die Schaltfläche drücken.',
  'notme.confirm': 'Mein Konto sichern',
  'notme.wasMe': 'Das war ich: zur Anmeldung',
  'notme.done.title': 'Ihr Konto ist gesichert',
  'notme.done.body':
    'Alle Sitzungen sind beendet, und niemand kann sich anmelden, bis das Passwort zurückgesetzt ist.',
  'notme.next.title': 'Wie es weitergeht',
  'notme.next.notMe':
    'Wir haben einen Link zum Festlegen eines neuen Passworts an Ihre E-Mail-Adresse gesendet. Ist Ihr Konto mit Anmeldung in zwei Schritten geschützt, brauchen Sie diese ebenfalls. Wählen Sie ein Passwort, das Sie nirgends sonst verwenden.',
  'notme.next.lock':
    'Um Ihr Konto wieder zu nutzen, setzen Sie Ihr Passwort zurück: Fordern Sie unten einen Link an. Ist Ihr Konto mit Anmeldung in zwei Schritten geschützt, brauchen Sie diese ebenfalls.',
  'notme.next.reset': 'Mein Passwort zurücksetzen',
  'notme.invalid':
    'Dieser Link ist nicht mehr gültig: Er ist vielleicht abgelaufen oder wurde schon verwendet. Wenn Sie sich um Ihr Konto sorgen, setzen Sie Ihr Passwort zurück.',
  'deletion.title': 'Ihr Konto behalten',
  'deletion.body':
    'Ihr Konto soll gelöscht werden und ist bis dahin geschlossen. Mit der Schaltfläche brechen Sie die Löschung ab und behalten es. Vorher geschieht nichts.',
  'deletion.confirm': 'Mein Konto behalten',
  'deletion.done.title': 'Ihr Konto bleibt bestehen',
  'deletion.done.body':
    'Die Löschung ist abgebrochen, und Sie können sich wieder anmelden. Alle Geräte wurden abgemeldet, als die Löschung beantragt wurde.',
  'deletion.invalid':
    'Dieser Link ist nicht mehr gültig: Er wurde vielleicht schon verwendet, oder die Löschung ist fällig und das Konto gelöscht.',
}
