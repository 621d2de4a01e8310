import {describe, expect, test} from 'vitest'

import {displayAmount, formatAmount, MAX_UINT256, parseAmount} from '../../src/lib/core/amounts.js'
import {NectarError} from '../../src/lib/core/errors.js'

function code(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(NectarError)
    expect((error as NectarError).exitCode).toBe(2)
    return (error as NectarError).code
  }
  return undefined
}

describe('parseAmount', () => {
  test('parses decimals exactly, never through a float', () => {
    expect(parseAmount('1')).toBe(10n ** 18n)
    expect(parseAmount('0.1')).toBe(10n ** 17n)
    expect(parseAmount('1.000000000000000001')).toBe(10n ** 18n + 1n)
    expect(parseAmount('.5')).toBe(5n * 10n ** 17n)
    expect(parseAmount('5.')).toBe(5n * 10n ** 18n)
    expect(parseAmount('1_000')).toBe(1000n * 10n ** 18n)
    expect(parseAmount('123456789.123456789123456789')).toBe(123456789123456789123456789n)
    // 0.1 + 0.2 in floats is 0.30000000000000004; here it is exact
    expect(parseAmount('0.3')).toBe(parseAmount('0.1') + parseAmount('0.2'))
    expect(parseAmount('1.50', {decimals: 2})).toBe(150n)
    expect(parseAmount('1.500000000000000000000')).toBe(15n * 10n ** 17n) // trailing zeros beyond 18 are harmless
  })

  test('rejects bad input with a usage error and a stable code', () => {
    expect(code(() => parseAmount(''))).toBe('INVALID_AMOUNT')
    expect(code(() => parseAmount('-1'))).toBe('INVALID_AMOUNT')
    expect(code(() => parseAmount('abc'))).toBe('INVALID_AMOUNT')
    expect(code(() => parseAmount('NaN'))).toBe('INVALID_AMOUNT')
    expect(code(() => parseAmount('1e18'))).toBe('INVALID_AMOUNT')
    expect(code(() => parseAmount('1,5'))).toBe('INVALID_AMOUNT')
    expect(code(() => parseAmount('0'))).toBe('INVALID_AMOUNT')
    expect(code(() => parseAmount('0.0000000000000000001'))).toBe('TOO_MANY_DECIMALS')
    expect(code(() => parseAmount('1'.repeat(100)))).toBe('AMOUNT_TOO_LARGE')
    expect(code(() => parseAmount((MAX_UINT256 / 10n ** 18n + 1n).toString()))).toBe('AMOUNT_TOO_LARGE')
    expect(parseAmount('0', {allowZero: true})).toBe(0n)
  })

  test('round-trips through formatAmount for many values', () => {
    let x = 1n
    for (let i = 0; i < 200; i++) {
      x = (x * 6364136223846793005n + 1442695040888963407n) % (10n ** 40n)
      expect(parseAmount(formatAmount(x), {allowZero: true})).toBe(x)
    }
  })
})

describe('formatAmount and displayAmount', () => {
  test('exact strings without trailing zeros', () => {
    expect(formatAmount(0n)).toBe('0')
    expect(formatAmount(1n)).toBe('0.000000000000000001')
    expect(formatAmount(10n ** 27n)).toBe('1000000000')
    expect(formatAmount(-15n * 10n ** 17n)).toBe('-1.5')
  })

  test('display groups thousands and marks cut digits', () => {
    expect(displayAmount(1234567n * 10n ** 18n)).toBe('1,234,567')
    expect(displayAmount(1n)).toBe('~0')
    expect(displayAmount(15n * 10n ** 17n)).toBe('1.5')
  })
})
