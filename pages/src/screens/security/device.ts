import { t } from '../../i18n'

/** A user agent in words: "Firefox on Windows", or the text itself when it says nothing known. */
export const deviceName = (ua: string | null): string => {
  if (!ua) return t('settings.sessions.unknownDevice')
  const browser = /Edg\//.test(ua)
    ? 'Edge'
    : /OPR\//.test(ua)
      ? 'Opera'
      : /Firefox\//.test(ua)
        ? 'Firefox'
        : /Chrom(e|ium)\//.test(ua)
          ? 'Chrome'
          : /Safari\//.test(ua)
            ? 'Safari'
            : null
  const os = /iPhone|iPad/.test(ua)
    ? 'iOS'
    : /Android/.test(ua)
      ? 'Android'
      : /Windows/.test(ua)
        ? 'Windows'
        : /Mac OS X|Macintosh/.test(ua)
          ? 'macOS'
          : /CrOS/.test(ua)
            ? 'ChromeOS'
            : /Linux/.test(ua)
              ? 'Linux'
              : null
  if (browser && os) return t('settings.sessions.browserOn', { browser, os })
  return browser ?? os ?? ua.slice(0, 60)
}
