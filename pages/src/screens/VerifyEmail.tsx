import { t } from '../i18n'
import { Frame } from '../ui/Frame'
import type { ScreenProps } from './types'

/** Filled in with its flow; until then it names itself. */
export default function VerifyEmail({ config, onLang }: ScreenProps) {
  return (
    <Frame config={config} title={t('signin.title')} onLang={onLang}>
      <p>{t('common.loading')}</p>
    </Frame>
  )
}
