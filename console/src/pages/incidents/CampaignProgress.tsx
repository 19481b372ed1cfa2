import { useEffect } from 'react'
import { api, type Campaign, data } from '../../api'
import { ProblemMessage, ProgressBar, useAction, useLoad } from '../../ui'

export const TERMINAL = ['completed', 'cancelled', 'failed']

const CONTROLS = {
  pause: '/v1/admin/campaigns/{id}/pause',
  resume: '/v1/admin/campaigns/{id}/resume',
  cancel: '/v1/admin/campaigns/{id}/cancel',
} as const

/** The campaign's figures in a sentence: its action, status, rate, time to go, failures, skips. */
const Summary = ({ campaign: d }: { campaign: Campaign }) => {
  const p = d.progress
  return (
    <p>
      <strong>{d.action.replaceAll('_', ' ')}</strong> — <span data-testid="campaign-status">{d.status}</span>
      {p.rate ? `, ${p.rate.toFixed(1)} accounts/s` : ''}
      {p.eta_seconds ? `, about ${Math.ceil(p.eta_seconds)} s to go` : ''}
      {p.failed ? `, ${p.failed} failed` : ''}
      {p.skipped ? `, ${p.skipped} skipped` : ''}
      {p.sessions_revoked
        ? `, ${p.sessions_revoked} session${p.sessions_revoked === 1 ? '' : 's'} revoked`
        : ''}
    </p>
  )
}

/** Live progress of one campaign (polled every second while it runs), with pause, resume and cancel. */
export const CampaignProgress = ({ id, onFinished }: { id: string; onFinished?: () => void }) => {
  const c = useLoad(
    (signal) => data(api.GET('/v1/admin/campaigns/{id}', { params: { path: { id } }, signal })),
    [id],
  )
  const act = useAction()
  const status = c.data?.status
  const reload = c.reload
  useEffect(() => {
    if (!status) return
    if (TERMINAL.includes(status)) {
      onFinished?.()
      return
    }
    const t = setInterval(reload, 1000)
    return () => clearInterval(t)
  }, [status, reload, onFinished])
  const control = async (verb: keyof typeof CONTROLS) => {
    if (await act.run(() => data(api.POST(CONTROLS[verb], { params: { path: { id } } })))) reload()
  }
  const d = c.data
  return (
    <div className="campaign" data-testid="campaign-progress">
      <ProblemMessage error={c.error} feature="The campaigns API" />
      <ProblemMessage error={act.error} />
      {d ? (
        <>
          <Summary campaign={d} />
          <ProgressBar
            label="Accounts handled"
            done={d.progress.done + d.progress.failed + d.progress.skipped}
            total={d.progress.total}
          />
          {!TERMINAL.includes(d.status) ? (
            <div className="actions">
              {d.status === 'paused' ? (
                <button type="button" onClick={() => control('resume')} disabled={act.busy}>
                  Resume
                </button>
              ) : (
                <button type="button" onClick={() => control('pause')} disabled={act.busy}>
                  Pause
                </button>
              )}
              <button type="button" className="danger" onClick={() => control('cancel')} disabled={act.busy}>
                Cancel
              </button>
            </div>
          ) : null}
        </>
      ) : null}
    </div>
  )
}
