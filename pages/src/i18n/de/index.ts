import type { Catalog } from '..'
import { common } from './common'
import { oidc } from './oidc'
import { recovery } from './recovery'
import { settings } from './settings'
import { signin } from './signin'
import { signup } from './signup'

export const de: Catalog = { ...common, ...signin, ...signup, ...recovery, ...settings, ...oidc }
