import { useState } from 'react'
import { api, type DeadLetter, data } from '../api'
import { Confirm, Pager, PageTitle, ProblemMessage, Time, useAction, useLoad } from '../ui'

/** The dead letters: when each died, its channel, template, tries and last error. No address or content. */
const DeadLetterTable = ({ messages, loading }: { messages: DeadLetter[]; loading: boolean }) => (
  <div className="table-wrap">
    <table>
      <caption>
        {loading
          ? 'Loading…'
          : messages.length === 0
            ? 'No dead letters: every accepted message was delivered, or is still being tried'
            : 'Messages undelivered past the retry horizon, newest first'}
      </caption>
      <thead>
        <tr>
          <th scope="col">Dead since</th>
          <th scope="col">Channel</th>
          <th scope="col">Template</th>
          <th scope="col">Tries</th>
          <th scope="col">Last error</th>
          <th scope="col">Queued</th>
        </tr>
      </thead>
      <tbody>
        {messages.map((m) => (
          <tr key={m.id}>
            <td className="nowrap">
              <Time iso={m.dead_at} />
            </td>
            <td>{m.channel}</td>
            <td className="mono" title={m.id}>
              {m.template}
            </td>
            <td className="num">{m.attempts}</td>
            <td>{m.last_error ?? '—'}</td>
            <td className="nowrap">
              <Time iso={m.created_at} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  </div>
)

/**
 * Dead letters: messages Gatehouse accepted but could not deliver within the retry horizon (see
 * docs/reliability.md). Sending them again gives each one more try now; a code or link that
 * expired meanwhile is closed as expired instead. No address or content is shown.
 */
export const OutboxPage = () => {
  const [before, setBefore] = useState<string[]>([])
  const cursor = before.at(-1)
  const page = useLoad(
    (signal) =>
      data(api.GET('/v1/admin/outbox/dead', { params: { query: { limit: 50, before: cursor } }, signal })),
    [cursor],
    30_000,
  )
  const retry = useAction()
  const [asking, setAsking] = useState(false)
  const [done, setDone] = useState<number | null>(null)
  const sendAll = async () => {
    const r = await retry.run(() => data(api.POST('/v1/admin/outbox/retry', { body: { all: true } })))
    setAsking(false)
    if (r) {
      setDone(r.retried)
      page.reload()
    }
  }
  const messages = page.data?.messages ?? []
  return (
    <>
      <PageTitle
        actions={
          <button
            type="button"
            className="primary"
            disabled={messages.length === 0 || retry.busy}
            onClick={() => setAsking(true)}
          >
            Send all again
          </button>
        }
      >
        Dead letters
      </PageTitle>
      {asking ? (
        <Confirm
          title="Send every dead letter again?"
          confirmLabel="Send again"
          danger={false}
          busy={retry.busy}
          onConfirm={sendAll}
          onCancel={() => setAsking(false)}
        >
          Each message gets one more try now. One whose code or link has expired is closed instead. The action
          is audited.
        </Confirm>
      ) : null}
      <div aria-live="polite">
        <ProblemMessage error={retry.error} feature="Sending dead letters again" />
        {done !== null ? <p className="ok">{done} messages queued again.</p> : null}
      </div>
      <ProblemMessage error={page.error} feature="The outbox API" />
      <DeadLetterTable messages={messages} loading={page.loading && !page.data} />
      <Pager before={before} next={page.data?.next} onChange={setBefore} />
    </>
  )
}
