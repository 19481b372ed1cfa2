/*
 * The account's data: a download of everything held about it (GET /v1/me/export) and its deletion
 * (DELETE /v1/me), which closes the account at once and deletes it after the grace period unless
 * the link mailed to its address cancels it. Both need a recent proof of identity: the section asks
 * for it when the answer says so, then carries on by itself.
 */
import { useId, useState } from 'react'
import { api, data } from '../../api'
import { t } from '../../i18n'
import { useAct } from './act'
import { useSecurity } from './context'
import { SecSection } from './SecSection'

/** Saves the document as a file, the way a download link would. */
const save = (doc: unknown, name: string) => {
  const url = URL.createObjectURL(new Blob([JSON.stringify(doc, null, 2)], { type: 'application/json' }))
  const a = document.createElement('a')
  a.href = url
  a.download = name
  a.click()
  URL.revokeObjectURL(url)
}

export const DataSection = () => {
  const { signedOut } = useSecurity()
  const download = useAct()
  const removal = useAct()
  const id = useId()
  const [sure, setSure] = useState(false)
  const [due, setDue] = useState<string | null>(null)

  const exportData = () =>
    download.run(async () => {
      const doc = await data(api.GET('/v1/me/export'))
      save(doc, `account-${doc.exported_at.slice(0, 10)}.json`)
      download.done(t('settings.data.downloaded'))
    })

  const deleteAccount = () =>
    removal.run(async () => {
      const r = await data(api.DELETE('/v1/me'))
      setDue(new Date(r.deletion_due_at).toLocaleDateString())
    })

  return (
    <SecSection id="data" title={t('settings.data.title')}>
      <p>{t('settings.data.exportIntro')}</p>
      <div className="actions">
        <button
          type="button"
          className="secondary"
          onClick={() => void exportData()}
          disabled={download.busy}
        >
          {t('settings.data.export')}
        </button>
      </div>
      {download.view}
      <h3>{t('settings.data.deleteTitle')}</h3>
      {due ? (
        <>
          <p className="alert ok" role="status">
            {t('settings.data.deleted', { date: due })}
          </p>
          <div className="actions">
            <button type="button" onClick={signedOut}>
              {t('settings.data.leave')}
            </button>
          </div>
        </>
      ) : (
        <>
          <p id={`${id}-d`}>{t('settings.data.deleteIntro')}</p>
          <label className="check" htmlFor={`${id}-sure`}>
            <input
              id={`${id}-sure`}
              type="checkbox"
              aria-describedby={`${id}-d`}
              checked={sure}
              onChange={(e) => setSure((e.target as HTMLInputElement).checked)}
            />
            {t('settings.data.deleteSure')}
          </label>
          <div className="actions">
            <button
              type="button"
              className="danger"
              onClick={() => void deleteAccount()}
              disabled={!sure || removal.busy}
            >
              {t('settings.data.delete')}
            </button>
          </div>
          {removal.view}
        </>
      )}
    </SecSection>
  )
}
