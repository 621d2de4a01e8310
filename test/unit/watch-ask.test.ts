// The pure parts of the live views and the guided flows: `--watch` with its optional seconds, a lib
// parser as a prompt's check, and the equivalent command line quoted for a shell.
import {describe, expect, it} from 'vitest'

import {checkWith, shellWord} from '../../src/lib/cli/ask.js'
import {withWatchDefault} from '../../src/lib/cli/watch.js'
import {parseAmount} from '../../src/lib/core/amounts.js'

describe('withWatchDefault', () => {
  it('inserts the default seconds after a bare --watch, and keeps a given number', () => {
    expect(withWatchDefault(['supply', '--watch'])).toEqual(['supply', '--watch', '5'])
    expect(withWatchDefault(['compute', 'deal', '7', '--watch', '--json'])).toEqual(['compute', 'deal', '7', '--watch', '5', '--json'])
    expect(withWatchDefault(['supply', '--watch', '10'])).toEqual(['supply', '--watch', '10'])
    expect(withWatchDefault(['supply', '--watch=2'])).toEqual(['supply', '--watch=2'])
    expect(withWatchDefault(['supply'])).toEqual(['supply'])
  })
})

describe('checkWith', () => {
  it("refuses an answer with the parser's own message and hint, and accepts what it parses", () => {
    const check = checkWith((a) => parseAmount(a, {label: 'the fees', unit: 'ETH'}))
    expect(check('1.5')).toBeUndefined()
    expect(check('-1')).toMatch(/the fees/)
    expect(check('1.1234567890123456789')).toMatch(/decimals/)
  })
})

describe('shellWord', () => {
  it('quotes only what a shell would split or expand', () => {
    expect(['--fees', '500', '/tmp/my-ask.yaml', 'http://127.0.0.1:8545'].map(shellWord)).toEqual(['--fees', '500', '/tmp/my-ask.yaml', 'http://127.0.0.1:8545'])
    expect(shellWord('my plan.yaml')).toBe("'my plan.yaml'")
    expect(shellWord("it's")).toBe(`'it'\\''s'`)
  })
})
