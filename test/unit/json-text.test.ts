// `--json` text: offers written straight as text must be exactly what offerJson + JSON.stringify write,
// for every field and odd values (0, 2^64-1 benchmarks, reserved asks, unknown identity levels), and
// toJsonText must splice such text in compact output and parse it in indented output.
import {describe, expect, it} from 'vitest'

import {JsonText, toJsonText} from '../../src/lib/core/json-text.js'
import {BENCHMARK_NAMES, type Benchmarks, NETFLAG_NAMES, type Netflags} from '../../src/lib/market/benchmarks.js'
import {offerJson, offersJsonText} from '../../src/lib/market/offers.js'
import {type Order} from '../../src/lib/market/orders.js'

/** A deterministic pseudo-random source, so a failure names a reproducible case. */
function random(seed: number): () => bigint {
  let x = BigInt(seed)
  return () => {
    x = (x * 6_364_136_223_846_793_005n + 1_442_695_040_888_963_407n) & ((1n << 64n) - 1n)
    return x
  }
}

const address = (n: bigint): `0x${string}` => `0x${n.toString(16).padStart(40, '0').slice(-40)}`

function order(next: () => bigint, i: number): Order {
  const pick = (choices: bigint[]) => choices[Number(next() % BigInt(choices.length))]
  const benchmarks = {} as Benchmarks
  for (const name of BENCHMARK_NAMES) benchmarks[name] = pick([0n, 1n, next(), (1n << 64n) - 1n])
  const netflags = {} as Netflags
  for (const name of NETFLAG_NAMES) netflags[name] = next() % 2n === 0n
  return {
    author: address(next()),
    benchmarks,
    blacklist: address(0n),
    counterparty: pick([0n, next()]) === 0n ? address(0n) : address(next()),
    dealId: 0n,
    duration: pick([0n, 3600n, next()]),
    frozenSum: next(),
    id: BigInt(i + 1),
    identityLevel: Number(next() % 6n), // 5 is past SONM's levels: "level 5"
    netflags,
    price: pick([0n, 1n, next() * next()]),
    status: 'active',
    tag: `0x${next().toString(16).padStart(64, '0')}`,
    type: 'ask',
  }
}

describe('offers as JSON text', () => {
  it('writes each offer exactly as offerJson + JSON.stringify does, over 2,000 varied offers', () => {
    const next = random(7)
    const orders = Array.from({length: 2000}, (_, i) => order(next, i))
    for (const rate of [1n, 10n ** 18n, 123_456_789_012_345_678_901n]) {
      const payee = (o: Order) => (o.id % 3n === 0n ? address(o.id) : o.author)
      const text = offersJsonText(orders, rate, payee).text
      expect(text).toBe(JSON.stringify(orders.map((o) => offerJson(o, rate, payee(o)))))
    }
    expect(offersJsonText([], 1n, (o) => o.author).text).toBe('[]')
  })

  it('toJsonText splices the text into compact output and parses it into indented output', () => {
    const list = new JsonText<number[]>('[1,2,{"a":"b"}]')
    const value = {big: 2n ** 70n, list, nested: {again: list}, text: '\u0000json-not-a-mark-0'}
    const compact = toJsonText(value, 0)
    expect(compact).toBe(`{"big":"${2n ** 70n}","list":[1,2,{"a":"b"}],"nested":{"again":[1,2,{"a":"b"}]},"text":"\\u0000json-not-a-mark-0"}`)
    expect(JSON.parse(toJsonText(value, 2))).toEqual(JSON.parse(compact))
    // Outside toJsonText (a test's JSON.stringify, a log), the fragment is its parsed value too.
    expect(JSON.stringify({list})).toBe('{"list":[1,2,{"a":"b"}]}')
  })
})
