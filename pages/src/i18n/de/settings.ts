import type { settings as en } from '../en/settings'

export const settings: { [K in keyof typeof en]: string } = {
  'settings.title': 'Sicherheitseinstellungen',
  'settings.signedInAs': 'Angemeldet als {name}.',
  'settings.contents': 'Abschnitte',
  'settings.mustChangePassword':
    'Sie müssen Ihr Passwort ändern, bevor Sie etwas anderes mit Ihrem Konto tun können.',
  'settings.mustEnrol':
    'Ihr Konto braucht einen zweiten Faktor, bevor Sie etwas anderes tun können: Richten Sie eine Authenticator-App oder einen Passkey ein.',

  'settings.reauth.title': 'Bestätigen Sie, dass Sie es sind',
  'settings.reauth.body':
    'Diese Änderung schützt Ihr Konto, deshalb fragen wir noch einmal nach Ihrem Passwort. Danach wird die Änderung ausgeführt.',
  'settings.reauth.password': 'Ihr Passwort',
  'settings.reauth.confirm': 'Bestätigen und fortfahren',
  'settings.reauth.passkey': 'Stattdessen einen Passkey verwenden',

  'settings.password.title': 'Passwort',
  'settings.password.intro':
    'Wenn Sie Ihr Passwort ändern, werden Sie auf allen anderen Geräten abgemeldet. Dieses Gerät bleibt angemeldet.',
  'settings.password.current': 'Aktuelles Passwort',
  'settings.password.new': 'Neues Passwort',
  'settings.password.rule.one':
    'Mindestens {count} Zeichen. Einige Wörter ohne Zusammenhang ergeben ein starkes Passwort.',
  'settings.password.rule.other':
    'Mindestens {count} Zeichen. Einige Wörter ohne Zusammenhang ergeben ein starkes Passwort.',
  'settings.password.submit': 'Passwort ändern',
  'settings.password.done': 'Ihr Passwort wurde geändert.',
  'settings.password.doneRevoked.one': 'Ihr Passwort wurde geändert. {count} anderes Gerät wurde abgemeldet.',
  'settings.password.doneRevoked.other':
    'Ihr Passwort wurde geändert. {count} andere Geräte wurden abgemeldet.',

  'settings.email.title': 'E-Mail-Adresse',
  'settings.email.intro':
    'Wir senden einen Link an die neue Adresse; Ihre Adresse ändert sich erst, wenn Sie ihn öffnen. Ihre bisherige Adresse erhält einen Hinweis, damit Sie es merken, falls jemand anderes das versucht.',
  'settings.email.current': 'Ihre E-Mail-Adresse ist {email}.',
  'settings.email.new': 'Neue E-Mail-Adresse',
  'settings.email.submit': 'Bestätigungslink senden',
  'settings.email.sent':
    'Wir haben einen Link an {email} gesendet. Öffnen Sie ihn innerhalb eines Tages, um die neue Adresse zu bestätigen. Bis dahin bleibt Ihre bisherige Adresse gültig; sie wurde über die Änderung informiert.',

  'settings.phone.title': 'Telefonnummer',
  'settings.phone.none':
    'Es ist keine Telefonnummer hinterlegt. Mit einer bestätigten Nummer können Sie sich anmelden und Ihr Konto wiederherstellen.',
  'settings.phone.isUnverified':
    '{phone} ist hinterlegt, aber noch nicht bestätigt: Geben Sie den Code ein, den wir per SMS an diese Nummer gesendet haben.',
  'settings.phone.isVerified':
    'Ihre Telefonnummer {phone} ist bestätigt. Mit ihr können Sie sich anmelden und Ihr Konto wiederherstellen.',
  'settings.phone.number': 'Telefonnummer',
  'settings.phone.newNumber': 'Neue Telefonnummer',
  'settings.phone.numberHint': 'Mit Ländervorwahl, zum Beispiel +49 151 23456789.',
  'settings.phone.password': 'Ihr Passwort',
  'settings.phone.send': 'Code per SMS senden',
  'settings.phone.sent': 'Wir haben einen 6-stelligen Code an {phone} gesendet. Geben Sie ihn unten ein.',
  'settings.phone.code': 'Code aus der SMS',
  'settings.phone.codeHint': '6 Ziffern.',
  'settings.phone.verify': 'Telefonnummer bestätigen',
  'settings.phone.verified': 'Ihre Telefonnummer ist bestätigt.',
  'settings.phone.remove': 'Telefonnummer entfernen',
  'settings.phone.removeIntro':
    'Mit der Nummer können Sie sich dann nicht mehr anmelden oder Ihr Konto wiederherstellen. Geben Sie zum Entfernen Ihr Passwort ein.',
  'settings.phone.removeConfirm': 'Nummer entfernen',
  'settings.phone.removed': 'Ihre Telefonnummer wurde entfernt.',

  'settings.totp.title': 'Authenticator-App',
  'settings.totp.intro':
    'Eine Authenticator-App auf Ihrem Telefon zeigt alle 30 Sekunden einen neuen 6-stelligen Code. Zum Anmelden brauchen Sie dann Ihr Passwort und einen Code.',
  'settings.totp.active':
    'Eine Authenticator-App ist eingerichtet. Unter „Zweite Faktoren“ können Sie sie entfernen.',
  'settings.totp.start': 'Authenticator-App einrichten',
  'settings.totp.scanTitle': 'Scannen Sie den Code mit Ihrer App',
  'settings.totp.scan':
    'Öffnen Sie Ihre Authenticator-App, fügen Sie ein Konto hinzu und scannen Sie diesen QR-Code.',
  'settings.totp.qrAlt': 'QR-Code, um dieses Konto einer Authenticator-App hinzuzufügen',
  'settings.totp.manual': 'Scannen klappt nicht? Geben Sie stattdessen diesen Schlüssel in die App ein:',
  'settings.totp.code': 'Code aus der App',
  'settings.totp.codeHint': '6 Ziffern. Der Code ändert sich alle 30 Sekunden.',
  'settings.totp.confirm': 'Einschalten',
  'settings.totp.done': 'Ihre Authenticator-App ist eingerichtet.',

  'settings.codes.title': 'Ihre Wiederherstellungscodes',
  'settings.codes.sectionTitle': 'Wiederherstellungscodes',
  'settings.codes.intro.one':
    'Mit diesem Code können Sie sich anmelden, wenn Sie Ihren zweiten Faktor verlieren. Er gilt einmal. Bewahren Sie ihn sicher auf: Er wird nicht noch einmal angezeigt.',
  'settings.codes.intro.other':
    'Mit jedem dieser {count} Codes können Sie sich einmal anmelden, wenn Sie Ihren zweiten Faktor verlieren. Bewahren Sie sie sicher auf: Sie werden nicht noch einmal angezeigt.',
  'settings.codes.copy': 'Kopieren',
  'settings.codes.copied': 'Die Codes wurden kopiert.',
  'settings.codes.copyFailed':
    'Die Codes konnten nicht kopiert werden. Laden Sie sie herunter oder drucken Sie sie.',
  'settings.codes.download': 'Herunterladen (.txt)',
  'settings.codes.downloaded': 'Die Codes wurden als recovery-codes.txt heruntergeladen.',
  'settings.codes.print': 'Drucken',
  'settings.codes.saved': 'Ich habe sie gespeichert',
  'settings.codes.fileTitle': 'Wiederherstellungscodes. Jeder gilt einmal.',
  'settings.codes.remaining.one': 'Sie haben {count} unbenutzten Wiederherstellungscode.',
  'settings.codes.remaining.other': 'Sie haben {count} unbenutzte Wiederherstellungscodes.',
  'settings.codes.regenerate': 'Neue Wiederherstellungscodes erstellen',
  'settings.codes.replaced': 'Neue Wiederherstellungscodes wurden erstellt. Die alten gelten nicht mehr.',

  'settings.passkeys.title': 'Passkeys',
  'settings.passkeys.intro':
    'Mit einem Passkey melden Sie sich per Fingerabdruck, Gesicht oder Geräte-PIN an statt mit einem Code. Er ist auch ein zweiter Faktor.',
  'settings.passkeys.none': 'Sie haben noch keine Passkeys.',
  'settings.passkeys.name': 'Name des neuen Passkeys',
  'settings.passkeys.nameHint':
    'Damit Sie Ihre Passkeys unterscheiden können. Er lässt sich später nicht ändern.',
  'settings.passkeys.defaultName': 'Passkey in {browser}',
  'settings.passkeys.add': 'Passkey hinzufügen',
  'settings.passkeys.added': 'Der Passkey „{name}“ wurde hinzugefügt.',
  'settings.passkeys.lastUsed': 'zuletzt verwendet {date}',
  'settings.passkeys.removeConfirm': '„{name}“ entfernen',
  'settings.passkeys.removed': 'Der Passkey „{name}“ wurde entfernt.',
  'settings.passkeys.unsupported': 'Dieser Browser kann keine Passkeys erstellen.',

  'settings.factors.title': 'Zweite Faktoren',
  'settings.factors.intro': 'Nach Ihrem Passwort fragt die Anmeldung nach einem davon.',
  'settings.factors.none':
    'Sie haben noch keinen zweiten Faktor. Ihr Konto ist nur durch Ihr Passwort geschützt.',
  'settings.factors.kind.totp': 'Authenticator-App',
  'settings.factors.kind.passkey': 'Passkey',
  'settings.factors.kind.passkeyNamed': 'Passkey „{name}“',
  'settings.factors.kind.email': 'Codes per E-Mail',
  'settings.factors.kind.sms': 'Codes per SMS',
  'settings.factors.added': 'hinzugefügt {date}',
  'settings.factors.remove': 'Entfernen',
  'settings.factors.removeNamed': '{name} entfernen',
  'settings.factors.removeConfirm': 'Ja, {name} entfernen',
  'settings.factors.removed': '{name} wurde entfernt.',
  'settings.factors.codesTitle': 'Codes per E-Mail oder SMS',
  'settings.factors.codesIntro':
    'Bei der Anmeldung senden wir einen Einmalcode an Ihre bestätigte E-Mail-Adresse oder Telefonnummer. Weniger sicher als eine App oder ein Passkey, aber besser als nur das Passwort.',
  'settings.factors.emailAdd': 'Codes per E-Mail verwenden',
  'settings.factors.smsAdd': 'Codes per SMS verwenden',
  'settings.factors.emailOn': 'Bei der Anmeldung wird jetzt ein Code an Ihre E-Mail-Adresse verlangt.',
  'settings.factors.smsOn': 'Bei der Anmeldung wird jetzt ein Code per SMS an Ihr Telefon verlangt.',

  'settings.resetLock.title': 'Zurücksetzsperre',
  'settings.resetLock.intro':
    'Wenn sie eingeschaltet ist, kann niemand eine Nachricht zum Zurücksetzen des Passworts für Ihr Konto erhalten, ohne zuerst einen Code Ihres zweiten Faktors einzugeben. Das schützt Sie, falls jemand Ihre E-Mail oder Ihr Telefon übernimmt.',
  'settings.resetLock.label': 'Vor jedem Zurücksetzen des Passworts einen Code des zweiten Faktors verlangen',
  'settings.resetLock.nowOn': 'Die Zurücksetzsperre ist eingeschaltet.',
  'settings.resetLock.nowOff': 'Die Zurücksetzsperre ist ausgeschaltet.',

  'settings.sessions.title': 'Wo Sie angemeldet sind',
  'settings.sessions.intro':
    'Melden Sie jedes Gerät ab, das Sie nicht kennen, und ändern Sie dann Ihr Passwort.',
  'settings.sessions.thisDevice': 'Dieses Gerät',
  'settings.sessions.unknownDevice': 'Unbekanntes Gerät',
  'settings.sessions.browserOn': '{browser} unter {os}',
  'settings.sessions.since': 'angemeldet {date}',
  'settings.sessions.lastSeen': 'zuletzt aktiv {date}',
  'settings.sessions.revoke': 'Abmelden',
  'settings.sessions.revokeNamed': '{device} abmelden, angemeldet {date}',
  'settings.sessions.revoked': '{device} wurde abgemeldet.',
  'settings.sessions.signOutHere': 'Auf diesem Gerät abmelden',
  'settings.sessions.revokeOthers': 'Überall sonst abmelden',
  'settings.sessions.revokedOthers.one': '{count} anderes Gerät wurde abgemeldet.',
  'settings.sessions.revokedOthers.other': '{count} andere Geräte wurden abgemeldet.',

  'settings.history.title': 'Sicherheitsverlauf',
  'settings.history.intro': 'Was zuletzt mit Ihrem Konto geschah, das Neueste zuerst.',
  'settings.history.none': 'Noch nichts.',
  'settings.history.more': 'Ältere Einträge anzeigen',

  'settings.method.totp': 'eine Authenticator-App',
  'settings.method.webauthn': 'ein Passkey',
  'settings.method.email': 'Codes per E-Mail',
  'settings.method.sms': 'Codes per SMS',
  'settings.method.recovery_code': 'ein Wiederherstellungscode',
  'settings.method.password': 'das Passwort',
  'settings.method.other': 'ein zweiter Faktor',

  'settings.event.unknown': 'Für Ihr Konto wurde ein Sicherheitsereignis aufgezeichnet.',
  'settings.event.account_created': 'Ihr Konto wurde erstellt.',
  'settings.event.account_signup_existing_email':
    'Jemand hat versucht, mit Ihrer E-Mail-Adresse ein neues Konto zu erstellen. Wir haben Sie per E-Mail informiert.',
  'settings.event.account_email_verified': 'Ihre E-Mail-Adresse wurde bestätigt.',
  'settings.event.account_verification_resend': 'Eine neue Bestätigungs-E-Mail wurde angefordert.',
  'settings.event.account_phone_changed':
    'Eine Telefonnummer wurde hinterlegt und ein Code per SMS an sie gesendet.',
  'settings.event.account_phone_verified': 'Ihre Telefonnummer wurde bestätigt.',
  'settings.event.account_phone_verify_fail':
    'Zum Bestätigen Ihrer Telefonnummer wurde ein falscher Code eingegeben.',
  'settings.event.account_phone_removed': 'Ihre Telefonnummer wurde entfernt.',
  'settings.event.authn_login_success': 'Sie haben sich angemeldet.',
  'settings.event.authn_login_fail': 'Jemand hat erfolglos versucht, sich bei Ihrem Konto anzumelden.',
  'settings.event.authn_password_rehashed': 'Ihr Passwort wurde mit stärkerem Schutz neu gespeichert.',
  'settings.event.authn_password_change': 'Ihr Passwort wurde geändert.',
  'settings.event.authn_password_change_fail': 'Eine Passwortänderung wurde abgelehnt.',
  'settings.event.authn_password_change_required':
    'Ihr Passwort muss geändert werden, damit es den aktuellen Regeln entspricht.',
  'settings.event.session_logout': 'Sie haben sich abgemeldet.',
  'settings.event.session_revoked': 'Ein Gerät wurde von einem anderen aus abgemeldet.',
  'settings.event.client_outdated': 'Eine veraltete App wollte Ihr Konto verwenden und wurde abgewiesen.',
  'settings.event.authn_password_reset_requested':
    'Das Zurücksetzen des Passworts wurde angefordert und eine Nachricht gesendet.',
  'settings.event.recovery.suppressed':
    'Das Zurücksetzen des Passworts wurde angefordert, aber es wurde keine Nachricht gesendet.',
  'settings.event.authn_password_reset_completed':
    'Ihr Passwort wurde zurückgesetzt, und alle Geräte wurden abgemeldet.',
  'settings.event.authn_mfa_fail': 'Ein falscher Code des zweiten Faktors wurde eingegeben.',
  'settings.event.authn_mfa_enabled': 'Bei der Anmeldung wird jetzt {method} verlangt.',
  'settings.event.authn_mfa_challenge': 'Das Passwort war richtig, und ein zweiter Faktor wurde verlangt.',
  'settings.event.authn_recovery_code_used':
    'Zur Anmeldung wurde ein Wiederherstellungscode verwendet. Es sind noch {remaining} übrig.',
  'settings.event.authn_recovery_codes_regenerated':
    'Neue Wiederherstellungscodes wurden erstellt; die alten gelten nicht mehr.',
  'settings.event.account_locked': 'Ihr Konto wurde über den Link „Das war ich nicht“ gesperrt.',
  'settings.event.resetLockOn': 'Die Zurücksetzsperre wurde eingeschaltet.',
  'settings.event.resetLockOff': 'Die Zurücksetzsperre wurde ausgeschaltet.',
  'settings.event.recovery.reset_lock_changed': 'Die Zurücksetzsperre wurde geändert.',
  'settings.event.authn_reauth_fail':
    'Zum Bestätigen einer Änderung wurde ein falsches Passwort oder ein falscher Code eingegeben.',
  'settings.event.authn_reauth': 'Sie haben vor einer Änderung bestätigt, dass Sie es sind.',
  'settings.event.authn_mfa_removed': 'Ein zweiter Faktor wurde entfernt: {method}.',
  'settings.event.account_email_change_requested':
    'Eine Änderung der E-Mail-Adresse wurde angefordert; ein Link ging an die neue Adresse.',
  'settings.event.account_email_changed': 'Ihre E-Mail-Adresse wurde geändert.',
  'settings.event.account_password_reset_by_operator':
    'Ein Administrator hat Ihr Passwort zurückgesetzt, und alle Geräte wurden abgemeldet.',
  'settings.event.account_role_changed': 'Ein Administrator hat die Art Ihres Kontos geändert.',
  'settings.event.authn_mfa_enrolment_required': 'Für Ihr Konto muss ein zweiter Faktor eingerichtet werden.',
  'settings.event.authn_webauthn_fail': 'Ein Passkey konnte nicht geprüft werden.',
  'settings.event.authn_webauthn_counter_regressed':
    'Ein Passkey wurde abgewiesen, weil er kopiert oder wiederholt wirkte.',
  'settings.event.authn_passkey_login_fail': 'Eine Anmeldung mit einem Passkey ist fehlgeschlagen.',
  'settings.event.authn_device_new': 'Sie haben sich von einem neuen Gerät angemeldet.',
  'settings.event.authn_device_remembered':
    'Ein Gerät wurde gespeichert und überspringt eine Zeit lang den zweiten Faktor.',
  'settings.event.authn_devices_forgotten': 'Gespeicherte Geräte müssen den zweiten Faktor wieder eingeben.',
  'settings.event.authn_mfa_skipped_remembered':
    'Sie haben sich von einem gespeicherten Gerät ohne zweiten Faktor angemeldet.',
  'settings.event.authn_step_up':
    'Bei einer Anmeldung von einem neuen Gerät wurde ein Code per E-Mail verlangt.',
  'settings.event.authn_otp_sent': 'Ein Anmeldecode wurde gesendet: {method}.',
  'settings.event.authn_otp_send_capped':
    'Ein Anmeldecode wurde nicht gesendet, weil zu viele angefordert wurden.',
  'settings.event.authn_login_notice_queued': 'Wir haben Sie per E-Mail über eine neue Anmeldung informiert.',
  'settings.event.authn_login_notice_suppressed':
    'Wir haben Sie nicht per E-Mail über eine neue Anmeldung informiert, weil wir schon viele solche E-Mails gesendet hatten.',
  'settings.event.authn_login_not_me':
    'Eine Anmeldung wurde über den Link „Das war ich nicht“ gemeldet: Geräte wurden abgemeldet und das Konto gesperrt.',
  'settings.event.campaign_password_reset_forced':
    'Zu Ihrem Schutz muss Ihr Passwort zurückgesetzt werden; alle Geräte wurden abgemeldet.',
  'settings.event.campaign_sessions_revoked': 'Zu Ihrem Schutz wurden alle Geräte abgemeldet.',
  'settings.event.campaign_mfa_enrolment_required':
    'Zu Ihrem Schutz muss für Ihr Konto ein zweiter Faktor eingerichtet werden.',
  'settings.event.campaign_reset_lock_set': 'Zu Ihrem Schutz wurde die Zurücksetzsperre eingeschaltet.',
  'settings.event.campaign_notice_queued': 'Wir haben Ihnen einen Sicherheitshinweis gesendet.',
  'settings.event.account_access_revoked': 'Ein Administrator hat den Zugang zu Ihrem Konto gesperrt.',
  'settings.event.account_access_reinstated':
    'Ein Administrator hat den Zugang zu Ihrem Konto wieder freigegeben.',
  'settings.event.account_created_by_staff': 'Ein Administrator hat Ihr Konto angelegt.',
  'settings.event.account_changed_by_staff': 'Ein Administrator hat die Angaben Ihres Kontos geändert.',
  'settings.event.account_disabled': 'Ein Administrator hat Ihr Konto deaktiviert.',
  'settings.event.account_enabled': 'Ein Administrator hat Ihr Konto wieder aktiviert.',
  'settings.event.account_deleted': 'Ein Administrator hat ein Konto gelöscht.',
  'settings.event.oidc_login': 'Sie haben sich mit Ihrem Konto bei einer Anwendung angemeldet.',
  'settings.event.oidc_consent_given': 'Sie haben einer Anwendung den Zugriff auf Ihr Konto erlaubt.',
  'settings.event.oidc_consent_denied': 'Sie haben die Anfrage einer Anwendung abgelehnt.',
  'settings.event.oidc_token_reuse':
    'Der Zugriff einer Anwendung auf Ihr Konto wurde beendet, weil eines ihrer Tokens zweimal benutzt wurde.',
  'settings.event.oidc_grants_revoked': 'Der Zugriff von Anwendungen auf Ihr Konto wurde beendet.',
  'settings.event.oidc_client_grants_revoked':
    'Ein Administrator hat den Zugriff einer Anwendung auf Ihr Konto beendet.',

  'settings.error.wrongPassword': 'Das Passwort ist nicht richtig.',
  'settings.error.wrongCode': 'Der Code ist nicht richtig oder abgelaufen.',
  'settings.error.codeUsed': 'Dieser Code wurde schon verwendet. Warten Sie auf den nächsten.',
  'settings.error.invalidEmail': 'Geben Sie eine gültige E-Mail-Adresse ein, etwa name@example.com.',
  'settings.error.invalidPhone': 'Geben Sie die Nummer mit Ländervorwahl ein, etwa +49 151 23456789.',
  'settings.error.phoneTaken': 'Ein anderes Konto verwendet diese Telefonnummer.',
  'settings.error.passwordTooShort': 'Das neue Passwort ist zu kurz.',
  'settings.error.passwordTooLong': 'Das neue Passwort ist zu lang.',
  'settings.error.passwordCharacters':
    'Das neue Passwort enthält Zeichen, die nicht verwendet werden können.',
  'settings.error.passwordReused': 'Das neue Passwort muss sich vom aktuellen unterscheiden.',
  'settings.error.secondFactorRequired': 'Richten Sie zuerst einen zweiten Faktor ein.',
  'settings.error.gone': 'Das wurde schon entfernt. Die Liste ist jetzt aktuell.',
  'settings.error.passkeyFailed': 'Der Passkey konnte nicht geprüft werden. Bitte versuchen Sie es erneut.',
  'settings.error.passkeyCancelled': 'Die Passkey-Abfrage wurde geschlossen; es hat sich nichts geändert.',
  'settings.error.enrolFirst': 'Richten Sie vor allem anderen einen zweiten Faktor ein.',
  'settings.error.changePasswordFirst': 'Ändern Sie vor allem anderen Ihr Passwort.',
  'settings.data.title': 'Ihre Daten',
  'settings.data.exportIntro':
    'Laden Sie alles, was wir zu Ihrem Konto gespeichert haben, als eine Datei herunter: Profil, Anmeldemethoden (nie deren Geheimnisse), Geräte, Sitzungen und Sicherheitsverlauf.',
  'settings.data.export': 'Meine Daten herunterladen',
  'settings.data.downloaded': 'Ihre Daten wurden heruntergeladen.',
  'settings.data.deleteTitle': 'Mein Konto löschen',
  'settings.data.deleteIntro':
    'Ihr Konto wird sofort geschlossen, und alle Geräte werden abgemeldet. Nach einigen Tagen wird es mit allen dazu gespeicherten Daten endgültig gelöscht; bis dahin behalten Sie es mit einem Link, den wir Ihnen mailen.',
  'settings.data.deleteSure': 'Ich verstehe, dass mein Konto gelöscht wird',
  'settings.data.delete': 'Mein Konto löschen',
  'settings.data.deleted':
    'Ihr Konto ist geschlossen und wird am {date} gelöscht. Um es zu behalten, öffnen Sie vorher den Link aus unserer E-Mail.',
  'settings.data.leave': 'Abmelden',
}
