import type { Detection } from '../../api'
import { Confirm } from '../../ui'

export type DetectionAction = 'resolve' | 'resolve_lift' | 'lift'

/** An open detection's actions: resolve, resolve and lift, lift its response (when it has one). */
export const ActionBar = ({ det, onChoose }: { det: Detection; onChoose: (a: DetectionAction) => void }) =>
  det.status === 'open' ? (
    <div className="actions">
      <button type="button" onClick={() => onChoose('resolve')}>
        Resolve
      </button>
      <button type="button" onClick={() => onChoose('resolve_lift')}>
        Resolve and lift
      </button>
      {det.action !== 'none' ? (
        <button type="button" className="danger" onClick={() => onChoose('lift')}>
          Lift {det.action}
        </button>
      ) : null}
    </div>
  ) : null

/** The confirmation of an action on a detection, saying what it does to the source. */
export const ActionConfirm = ({
  det,
  action,
  busy,
  onCancel,
  onConfirm,
}: {
  det: Detection
  action: DetectionAction
  busy: boolean
  onCancel: () => void
  onConfirm: () => void
}) => (
  <Confirm
    title={
      action === 'lift'
        ? `Lift the ${det.action} on ${det.account?.username ? `account ${det.account.username}` : det.key}?`
        : `Resolve detection #${det.id}?`
    }
    confirmLabel={action === 'lift' ? 'Lift now' : 'Resolve'}
    busy={busy}
    danger={action !== 'resolve'}
    onCancel={onCancel}
    onConfirm={onConfirm}
  >
    <p>
      {action === 'resolve'
        ? 'The detection is closed; any challenge or block runs until it expires.'
        : 'The source is no longer challenged or blocked, and is left alone for a window. This is audit-logged.'}
    </p>
  </Confirm>
)
