import { type ReactNode, useEffect } from 'react'
import type { PagesConfig } from '../config'
import { LANG_NAMES, LANGS, type Lang, lang, t } from '../i18n'

/**
 * Every screen's frame: a skip link, the product's logo or name, one main landmark with the
 * screen's heading, and a footer with help, legal links and the language switch. The document's
 * title is the heading's, so that each screen and step is named (the tab, history, screen readers).
 */
export const Frame = (props: {
  config: PagesConfig
  title: string
  children: ReactNode
  onLang: (l: Lang) => void
  wide?: boolean
}) => {
  const { title, config } = props
  useEffect(() => {
    document.title = `${title} · ${config.product_name}`
  }, [title, config.product_name])
  return <FrameBody {...props} />
}

const FrameBody = ({
  config,
  title,
  children,
  onLang,
  wide = false,
}: {
  config: PagesConfig
  title: string
  children: ReactNode
  onLang: (l: Lang) => void
  wide?: boolean
}) => (
  <>
    <a className="skip" href="#main">
      {t('common.skipToContent')}
    </a>
    <header className="brand">
      {config.logo_url ? (
        <img src={config.logo_url} alt={config.product_name} className="logo" />
      ) : (
        <span className="product">{config.product_name}</span>
      )}
    </header>
    <main id="main" className={wide ? 'card wide' : 'card'} tabIndex={-1}>
      <h1>{title}</h1>
      {children}
    </main>
    <footer className="foot">
      <nav aria-label={t('common.language')}>
        <label htmlFor="lang">{t('common.language')}</label>{' '}
        <select
          id="lang"
          value={lang()}
          onChange={(e) => onLang((e.target as HTMLSelectElement).value as Lang)}
        >
          {LANGS.map((l) => (
            <option key={l} value={l}>
              {LANG_NAMES[l]}
            </option>
          ))}
        </select>
      </nav>
      <ul>
        {config.support_url && (
          <li>
            <a href={config.support_url}>{t('common.support')}</a>
          </li>
        )}
        {config.terms_url && (
          <li>
            <a href={config.terms_url}>{t('common.terms')}</a>
          </li>
        )}
        {config.privacy_url && (
          <li>
            <a href={config.privacy_url}>{t('common.privacy')}</a>
          </li>
        )}
      </ul>
    </footer>
  </>
)
