import { describe, expect, it } from 'vitest'
import { createNotifier } from './notifier.js'

describe('createNotifier', () => {
  it('tells every listener, in order, and goes on past one that throws', () => {
    const told: string[] = []
    const n = createNotifier<number>()
    n.notify(0)
    n.listen((v) => told.push(`a${v}`))
    n.listen(() => {
      throw new Error('broken')
    })
    n.listen((v) => told.push(`b${v}`))
    n.notify(1)
    expect(told).toEqual(['a1', 'b1'])
  })
})
