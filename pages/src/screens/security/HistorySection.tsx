/*
 * The account's own security history (GET /v1/me/events), newest first, each entry a sentence with
 * its time (dateTime, in the reader's language and time zone), device and address; older entries
 * page in by `next_before`.
 */
import { useState } from 'react'
import { api, data } from '../../api'
import { dateTime, t } from '../../i18n'
import { useAct } from './act'
import { type SecurityEvent, useSecurity } from './context'
import { deviceName } from './device'
import { eventSentence } from './events'
import { SecSection } from './SecSection'

export const PAGE = 20

export const HistorySection = ({ nextBefore }: { nextBefore: number | null }) => {
  const { events } = useSecurity()
  const act = useAct()
  const [older, setOlder] = useState<SecurityEvent[]>([])
  const [cursor, setCursor] = useState<number | null | undefined>(undefined)
  const next = cursor === undefined ? nextBefore : cursor
  // The first page is read again after every change: older pages keep only what it no longer has.
  const seen = new Set(events.map((e) => e.id))
  const shown = [...events, ...older.filter((e) => !seen.has(e.id))]

  const more = () =>
    act.run(async () => {
      if (next === null) return
      const r = await data(api.GET('/v1/me/events', { params: { query: { limit: PAGE, before: next } } }))
      setOlder((o) => [...o, ...r.events])
      setCursor(r.next_before)
    })

  return (
    <SecSection id="history" title={t('settings.history.title')}>
      <p>{t('settings.history.intro')}</p>
      {shown.length === 0 ? (
        <p>{t('settings.history.none')}</p>
      ) : (
        <ol className="list sec-history" aria-label={t('settings.history.title')}>
          {shown.map((e) => (
            <li key={e.id} data-type={e.type}>
              <span>
                <span className="sec-event">{eventSentence(e)}</span>
                <br />
                <span className="hint">
                  <time dateTime={e.time}>{dateTime(e.time)}</time>
                  {e.user_agent ? ` · ${deviceName(e.user_agent)}` : ''}
                  {e.ip ? ` · ${e.ip}` : ''}
                </span>
              </span>
            </li>
          ))}
        </ol>
      )}
      {next !== null && (
        <div className="actions">
          <button type="button" className="secondary" disabled={act.busy} onClick={() => void more()}>
            {t('settings.history.more')}
          </button>
        </div>
      )}
      {act.view}
    </SecSection>
  )
}
