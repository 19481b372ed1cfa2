import type { Catalog } from '..'
import { common } from './common'
import { settings } from './settings'
import { signin } from './signin'

export const de: Catalog = { ...common, ...signin, ...settings }
