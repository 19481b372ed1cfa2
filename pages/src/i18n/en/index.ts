import { common } from './common'
import { settings } from './settings'
import { signin } from './signin'

export const en = { ...common, ...signin, ...settings }
