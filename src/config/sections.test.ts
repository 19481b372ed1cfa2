import { describe, expect, it } from 'vitest'
import { ROLES, STAFF_ROLES } from '../kernel/roles.js'
import type { Setting } from './kinds.js'
import { loadConfig } from './load.js'
import { configDocs, sections, settings } from './schema.js'

const rowsOf = (s: { settings: object }) => Object.entries(s.settings as Record<string, Setting>)

describe('config sections', () => {
  it('puts every row of the table in exactly one section, in the order of the table', () => {
    const keys = Object.values(sections).flatMap((s) => rowsOf(s).map(([key]) => key))
    expect(new Set(keys).size).toBe(keys.length)
    expect(keys).toEqual(Object.keys(settings))
    const envs = Object.values(settings).map((s) => s.env)
    expect(new Set(envs).size).toBe(envs.length)
    for (const [key, s] of Object.entries(settings)) {
      const owners = Object.values(sections).filter((section) => key in section.settings)
      expect(owners, key).toHaveLength(1)
      expect(owners[0]?.settings[key as never], key).toBe(s)
    }
  })

  it('names no section like a setting, so that both kinds of field live on one config', () => {
    const config = loadConfig({})
    for (const name of Object.keys(sections)) {
      expect(Object.keys(settings)).not.toContain(name)
      expect(config).toHaveProperty(name)
    }
    // The flat fields stay.
    expect(config.guardEnabled).toBe(true)
    expect(config.sessionIdleTtlSeconds).toBe(1800)
  })

  it('documents each section under a heading of its own, every variable once', () => {
    const docs = configDocs()
    for (const s of Object.values(sections)) expect(docs).toContain(`\n## ${s.title}\n`)
    for (const s of Object.values(settings)) {
      expect(docs.split(`\n| \`${s.env}\` |`)).toHaveLength(2)
    }
  })

  it('takes the role list from one place', () => {
    const config = loadConfig({})
    expect(config.mfaRequiredRoles).toEqual(
      ROLES.filter((r) => (STAFF_ROLES as readonly string[]).includes(r)),
    )
    expect(config.mfa.requiredRoles).toEqual(['admin', 'partner', 'responder', 'auditor'])
    expect(loadConfig({ GATEHOUSE_MFA_REQUIRED_ROLES: 'none' }).mfa.requiredRoles).toEqual([])
    expect(loadConfig({ GATEHOUSE_MFA_REQUIRED_ROLES: 'user, admin' }).mfa.requiredRoles).toEqual([
      'user',
      'admin',
    ])
  })
})
