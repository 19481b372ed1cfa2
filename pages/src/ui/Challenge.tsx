import type { CaptchaChallenge } from '@gatehouse/client'
import { useEffect, useRef, useState, useSyncExternalStore } from 'react'
import { gh, setCaptchaSolver } from '../api'
import type { PagesConfig } from '../config'
import { t } from '../i18n'

/**
 * The guard's puzzle while this browser solves it (in Web Workers, see api.ts): what is happening,
 * a progress bar, and a button that stops it (nothing is sent then). The cancel button takes the
 * focus, so that a keyboard user is where the choice is.
 */
export const ChallengeProgress = () => {
  const s = useSyncExternalStore(gh.challenges.subscribe, gh.challenges.current)
  const cancel = useRef<HTMLButtonElement>(null)
  const solving = s !== null
  useEffect(() => {
    if (solving) cancel.current?.focus()
  }, [solving])
  if (!s) return null
  // A puzzle takes `expected` attempts on average, some fewer, some more: never show it done.
  const pct = Math.floor(Math.min(0.99, s.tried / s.expected) * 100)
  return (
    <section className="alert challenge" aria-labelledby="challenge-title" data-testid="challenge">
      <h2 id="challenge-title" role="status">
        {t('common.challenge.title')}
      </h2>
      <p>{t('common.challenge.body')}</p>
      <progress
        max={100}
        value={pct}
        aria-label={t('common.challenge.progress')}
        aria-valuetext={t('signin.challenge.percent', { pct })}
      />
      <div className="actions">
        <button type="button" className="secondary" ref={cancel} onClick={gh.challenges.cancel}>
          {t('common.cancel')}
        </button>
      </div>
    </section>
  )
}

interface Widget {
  render(el: HTMLElement, opts: Record<string, unknown>): unknown
}
declare global {
  interface Window {
    turnstile?: Widget
    hcaptcha?: Widget
  }
}

/** Each provider's script (explicit rendering) and the global it defines. */
const PROVIDERS: Record<string, { src: string; global: 'turnstile' | 'hcaptcha' }> = {
  turnstile: {
    src: 'https://challenges.cloudflare.com/turnstile/v0/api.js?render=explicit',
    global: 'turnstile',
  },
  hcaptcha: { src: 'https://js.hcaptcha.com/1/api.js?render=explicit', global: 'hcaptcha' },
}

const loaded: Record<string, Promise<void>> = {}
/** The provider's script, added as a <script src> element only when a challenge asks for it. */
const loadScript = (src: string): Promise<void> => {
  loaded[src] ??= new Promise<void>((resolve, reject) => {
    const s = document.createElement('script')
    s.src = src
    s.async = true
    s.onload = () => resolve()
    s.onerror = () => reject(new Error('captcha script'))
    document.head.appendChild(s)
  })
  return loaded[src]
}

/**
 * The CAPTCHA of a configured provider, shown when the guard's challenge offers one: while mounted
 * it answers such challenges (api.ts asks it for a token), else proof of work is solved instead.
 */
export const Captcha = ({ config }: { config: PagesConfig }) => {
  const [asked, setAsked] = useState<{
    c: CaptchaChallenge
    done: (token: string) => void
    fail: (e: Error) => void
  } | null>(null)
  const box = useRef<HTMLDivElement>(null)
  const provider = config.captcha ? PROVIDERS[config.captcha.provider] : undefined

  useEffect(() => {
    if (!provider) return
    setCaptchaSolver(
      (c) =>
        new Promise<string>((done, fail) => {
          setAsked({ c, done, fail })
        }),
    )
    return () => setCaptchaSolver(null)
  }, [provider])

  useEffect(() => {
    if (!asked || !provider) return
    let live = true
    loadScript(provider.src)
      .then(() => {
        const w = window[provider.global]
        if (!live || !w || !box.current) return
        w.render(box.current, {
          sitekey: asked.c.site_key,
          callback: (token: string) => {
            setAsked(null)
            asked.done(token)
          },
        })
      })
      .catch((e: Error) => {
        setAsked(null)
        asked.fail(e)
      })
    return () => {
      live = false
    }
  }, [asked, provider])

  if (!asked) return null
  return (
    <section className="alert" aria-labelledby="captcha-title" data-testid="captcha">
      <h2 id="captcha-title" role="status">
        {t('common.captcha.title')}
      </h2>
      <div ref={box} />
    </section>
  )
}
