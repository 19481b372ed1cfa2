import type { Detection } from '../../api'
import { explainDetection } from '../../events'
import { AccountName, ActorName, Badge, JsonDetails, Time } from '../../ui'
import { actionTone, label, SourceName } from './common'

/** The response and how long it runs. */
const Response = ({ det }: { det: Detection }) => (
  <dd>
    <Badge tone={actionTone(det.action)}>{det.action}</Badge>
    {det.action_until ? (
      <>
        {' '}
        until <Time iso={det.action_until} />
      </>
    ) : null}
  </dd>
)

/** A detection's facts: kind, source, status, response, what was counted, when; the raw fields folded. */
export const DetectionFacts = ({ det }: { det: Detection }) => (
  <>
    <dl className="kv wide">
      <div>
        <dt>Kind</dt>
        <dd>{label(det.kind)}</dd>
      </div>
      <div>
        <dt>Source ({det.scope})</dt>
        <dd className="wrap">
          <SourceName d={det} />
        </dd>
      </div>
      <div>
        <dt>Status</dt>
        <dd>{det.status}</dd>
      </div>
      <div>
        <dt>Response</dt>
        <Response det={det} />
      </div>
      <div>
        <dt>Counted</dt>
        <dd>{explainDetection(det)}</dd>
      </div>
      <div>
        <dt>First seen</dt>
        <dd>
          <Time iso={det.first_seen} />
        </dd>
      </div>
      <div>
        <dt>Last seen</dt>
        <dd>
          <Time iso={det.last_seen} />
        </dd>
      </div>
      {det.account && det.scope !== 'account' ? (
        <div>
          <dt>Account</dt>
          <dd>
            <AccountName account={det.account} />
          </dd>
        </div>
      ) : null}
      {det.closed_at ? (
        <div>
          <dt>Closed</dt>
          <dd>
            <Time iso={det.closed_at} /> by <ActorName actor={det.closed_by_actor} raw={det.closed_by} />
          </dd>
        </div>
      ) : null}
    </dl>
    <details className="raw">
      <summary>Fields of the detection</summary>
      <JsonDetails value={det.details} />
    </details>
  </>
)
