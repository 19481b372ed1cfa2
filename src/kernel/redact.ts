/**
 * Helpers for log lines: a log line never carries a full token, password or
 * email address.
 */
export const tokenFingerprint = (token: string): string => (token.length > 6 ? `${token.slice(0, 6)}…` : '…')

export const emailDomainOnly = (email: string): string => {
  const at = email.lastIndexOf('@')
  return at < 0 ? '…' : `…@${email.slice(at + 1)}`
}
