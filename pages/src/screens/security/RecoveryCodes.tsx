/*
 * A new set of recovery codes, shown once: copy (clipboard), download (a .txt file) or print (only
 * the codes are printed). Each code works once, in place of the second factor.
 */
import { useEffect, useId, useRef, useState } from 'react'
import { plural, t } from '../../i18n'

export const RecoveryCodes = ({ codes, onDone }: { codes: string[]; onDone: () => void }) => {
  const id = useId()
  const heading = useRef<HTMLHeadingElement>(null)
  const [said, setSaid] = useState('')
  useEffect(() => heading.current?.focus(), [])
  const text = `${t('settings.codes.fileTitle')}\n\n${codes.join('\n')}\n`

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(codes.join('\n'))
      setSaid(t('settings.codes.copied'))
    } catch {
      setSaid(t('settings.codes.copyFailed'))
    }
  }
  const download = () => {
    const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }))
    const a = document.createElement('a')
    a.href = url
    a.download = 'recovery-codes.txt'
    document.body.append(a)
    a.click()
    a.remove()
    setTimeout(() => URL.revokeObjectURL(url), 1000)
    setSaid(t('settings.codes.downloaded'))
  }
  const print = () => {
    // Only the codes are printed (security.css, @media print).
    document.documentElement.classList.add('sec-printing')
    const after = () => {
      document.documentElement.classList.remove('sec-printing')
      removeEventListener('afterprint', after)
    }
    addEventListener('afterprint', after)
    window.print()
  }

  return (
    <section className="sec-codes" aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`} ref={heading} tabIndex={-1}>
        {t('settings.codes.title')}
      </h3>
      <p>{plural('settings.codes.intro', codes.length)}</p>
      <ul className="codes" aria-label={t('settings.codes.title')}>
        {codes.map((c) => (
          <li key={c} className="sec-code">
            {c}
          </li>
        ))}
      </ul>
      <div className="actions">
        <button type="button" className="secondary" onClick={() => void copy()}>
          {t('settings.codes.copy')}
        </button>
        <button type="button" className="secondary" onClick={download}>
          {t('settings.codes.download')}
        </button>
        <button type="button" className="secondary" onClick={print}>
          {t('settings.codes.print')}
        </button>
        <button type="button" onClick={onDone}>
          {t('settings.codes.saved')}
        </button>
      </div>
      <p role="status" className="hint">
        {said}
      </p>
    </section>
  )
}
