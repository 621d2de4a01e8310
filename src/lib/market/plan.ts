// Plan files (ask.yaml for providers, bid.yaml for renters): YAML -> schema check (schemas/
// ask-plan.schema.json, precompiled by scripts/gen-validators.mjs) -> the exact PlaceOrder arguments.
// Every error names the field and the line.
import {type Address, stringToHex, zeroAddress} from 'viem'

import {parseAddress} from '../core/addresses.js'
import {NectarError, nectarError} from '../core/errors.js'
import {closest} from '../core/suggest.js'
import {parseYamlText, readYamlFile, type YamlFile} from '../core/yaml-file.js'
import {BENCHMARK_LIMITS, type BenchmarkName, type Benchmarks, benchmarksToVector, type Netflags, netflagsToVector} from './benchmarks.js'
import {parseDurationSeconds} from '../core/durations.js'
import {parseBitrate, parsePrice, parseSize, type PriceUnit} from './units.js'
import validatePlan from './validate-ask-plan.gen.js'

export interface PlanFile {
  counterparty?: string
  duration: number | string
  identity?: 'anonymous' | 'identified' | 'professional' | 'registered'
  netflags?: Partial<Netflags>
  price: string
  resources: {
    cpu?: {cores: number; sysbenchMulti?: number; sysbenchSingle?: number}
    gpu?: {cashHashrate?: number; count: number; ethHashrate?: number; mem?: string; redshift?: number}
    network?: {download?: string; upload?: string}
    ram?: {size: string}
    storage?: {size: string}
  }
  tag?: string
}

export interface OrderParams {
  benchmarks: bigint[]
  blacklist: Address
  counterparty: Address
  duration: bigint
  identityLevel: number
  netflags: boolean[]
  /** USD/s x 1e18 */
  price: bigint
  priceUnit: PriceUnit
  tag: `0x${string}`
}

const IDENTITY = {anonymous: 1, identified: 3, professional: 4, registered: 2} as const

/** Reads and checks a plan file of ONE order; `rate` is needed only for prices in SNM. */
export function loadPlan(path: string, rate?: bigint): OrderParams {
  const plans = planOrders(readPlanFile(path), path, rate)
  if (plans.length !== 1) throw nectarError('INVALID_PLAN', `${path} line 1: the file lists ${plans.length} orders; this command places one.`, {details: ['field: (top level)'], hint: 'Give a plan with one order (a mapping, not a list); `nectar provider serve --plan` takes a list.'})
  return plans[0]
}

/** Reads and checks a plan file of one order (a mapping) or several (a list of mappings): what `provider serve --plan` keeps listed. */
export function loadPlans(path: string, rate?: bigint): OrderParams[] {
  return planOrders(readPlanFile(path), path, rate)
}

const readPlanFile = (path: string) => readYamlFile(path, {code: 'INVALID_PLAN', hint: 'Check the path of the plan file.', unreadableCode: 'PLAN_UNREADABLE'})

/** One plan given as text (tests, and anything that holds the text already). */
export function parsePlan(text: string, file: string, rate?: bigint): OrderParams {
  return planOrders(parseYamlText(text, file, 'INVALID_PLAN'), file, rate)[0]
}

function planOrders(doc: YamlFile, file: string, rate?: bigint): OrderParams[] {
  if (!Array.isArray(doc.data)) return [planOrder(doc.data, '', doc.lineOf, file, rate)]
  if (doc.data.length === 0) throw nectarError('INVALID_PLAN', `${file} line 1: the list of orders is empty.`, {details: ['field: (top level)'], hint: 'List at least one order.'})
  return doc.data.map((value, i) => planOrder(value, `/${i}`, doc.lineOf, file, rate))
}

function planOrder(value: unknown, base: string, lineOfDoc: (pointer: string) => number, file: string, rate?: bigint): OrderParams {
  const lineOf = (pointer: string) => lineOfDoc(base + pointer)
  const field = (pointer: string) => (base ? `[${base.slice(1)}]${pointer ? '.' : ''}` : '') + (pointer.slice(1).replaceAll('/', '.') || (base ? '' : '(top level)'))
  if (!validatePlan(value)) {
    const errors = validatePlan.errors ?? []
    // Prefer the most specific error (deepest path), and a missing field over anyOf noise.
    const sorted = [...errors].sort((a, b) => b.instancePath.length - a.instancePath.length)
    // At one depth an unknown field comes first: `duraton` is a typo to point at, not "duration is missing".
    const depth = sorted[0].instancePath.length
    const e = sorted.find((x) => x.keyword === 'additionalProperties' && x.instancePath.length === depth) ?? sorted.find((x) => x.keyword !== 'anyOf') ?? sorted[0]
    const params = e.params as Record<string, string>
    let name = field(e.instancePath)
    let message: string
    if (e.keyword === 'required') {
      name = field(`${e.instancePath}/${params.missingProperty}`)
      message = `the field ${name} is missing`
    } else if (e.keyword === 'additionalProperties') {
      name = field(`${e.instancePath}/${params.additionalProperty}`)
      const guess = closest(params.additionalProperty, Object.keys((e.parentSchema as {properties?: object} | undefined)?.properties ?? {}))
      message = `unknown field ${name}${guess ? ` (did you mean ${field(`${e.instancePath}/${guess}`)}?)` : ''}`
    } else if (e.keyword === 'pattern') {
      message = `${name} ${JSON.stringify(valueAt(value, e.instancePath))} has the wrong unit or format`
    } else {
      message = `${name} ${e.message}`
    }
    const pointer = e.keyword === 'additionalProperties' ? `${e.instancePath}/${params.additionalProperty}` : e.instancePath
    const line = lineOf(pointer)
    throw nectarError('INVALID_PLAN', `${file} line ${line}: ${message}.`, {
      details: [`field: ${name}`],
      hint: hintFor(name.replace(/^\[\d+\]\.?/, '')),
    })
  }
  const plan = value as PlanFile
  const at = <T>(pointer: string, fn: () => T): T => {
    try {
      return fn()
    } catch (error) {
      if (error instanceof NectarError) throw nectarError('INVALID_PLAN', `${file} line ${lineOf(pointer)}: ${field(pointer)}: ${error.message}`, {details: [`field: ${field(pointer)}`], hint: error.hint})
      throw error
    }
  }
  const r = plan.resources
  // YAML numbers arrive as floats: a count must be a whole number that a float holds exactly.
  const count = (pointer: string, value: number | undefined) =>
    at(pointer, () => {
      if (value === undefined) return 0n
      if (!Number.isSafeInteger(value) || value < 0) throw nectarError('INVALID_PLAN', `${value} is not a whole number from 0 to ${Number.MAX_SAFE_INTEGER}.`, {hint: 'Give a whole number.'})
      return BigInt(value)
    })
  const values: Partial<Benchmarks> = {
    cpuCores: count('/resources/cpu/cores', r.cpu?.cores),
    cpuSysbenchMulti: count('/resources/cpu/sysbenchMulti', r.cpu?.sysbenchMulti),
    cpuSysbenchSingle: count('/resources/cpu/sysbenchSingle', r.cpu?.sysbenchSingle),
    gpuCashHashrate: count('/resources/gpu/cashHashrate', r.gpu?.cashHashrate),
    gpuCount: count('/resources/gpu/count', r.gpu?.count),
    gpuEthHashrate: count('/resources/gpu/ethHashrate', r.gpu?.ethHashrate),
    gpuMem: r.gpu?.mem === undefined ? 0n : at('/resources/gpu/mem', () => parseSize(r.gpu!.mem!, 'size')),
    gpuRedshift: BigInt(r.gpu?.redshift ?? 0),
    netDownload: r.network?.download === undefined ? 0n : at('/resources/network/download', () => parseBitrate(r.network!.download!, 'rate')),
    netUpload: r.network?.upload === undefined ? 0n : at('/resources/network/upload', () => parseBitrate(r.network!.upload!, 'rate')),
    ramSize: r.ram === undefined ? 0n : at('/resources/ram/size', () => parseSize(r.ram!.size, 'size')),
    storageSize: r.storage === undefined ? 0n : at('/resources/storage/size', () => parseSize(r.storage!.size, 'size')),
  }
  const pointers: Partial<Record<BenchmarkName, string>> = {
    cpuCores: '/resources/cpu/cores', gpuCount: '/resources/gpu/count', gpuMem: '/resources/gpu/mem', netDownload: '/resources/network/download',
    netUpload: '/resources/network/upload', ramSize: '/resources/ram/size', storageSize: '/resources/storage/size',
  }
  for (const [name, value] of Object.entries(values) as Array<[BenchmarkName, bigint]>) {
    if (value > BENCHMARK_LIMITS[name]) {
      const pointer = pointers[name] ?? '/resources'
      throw nectarError('INVALID_PLAN', `${file} line ${lineOf(pointer)}: ${field(pointer)}: ${value} is more than any machine has (at most ${BENCHMARK_LIMITS[name]}).`, {
        details: [`field: ${field(pointer)}`],
        hint: 'Check the number and its unit.',
      })
    }
  }
  const price = at('/price', () => parsePrice(plan.price, rate, 'price'))
  if (price.price === 0n) throw nectarError('INVALID_PLAN', `${file} line ${lineOf('/price')}: price must be more than 0.`, {details: ['field: price'], hint: 'Give a price such as 0.5usd/h.'})
  const tagBytes = new TextEncoder().encode(plan.tag ?? '')
  if (tagBytes.length > 32) throw nectarError('INVALID_PLAN', `${file} line ${lineOf('/tag')}: tag is longer than 32 bytes.`, {details: ['field: tag'], hint: 'Shorten the tag.'})
  return {
    benchmarks: benchmarksToVector(values),
    blacklist: zeroAddress,
    counterparty: plan.counterparty ? at('/counterparty', () => parseAddress(plan.counterparty!, 'counterparty')) : zeroAddress,
    duration: at('/duration', () => parseDurationSeconds(plan.duration, {allowZero: true, label: 'duration'})),
    identityLevel: IDENTITY[plan.identity ?? 'anonymous'],
    netflags: netflagsToVector(plan.netflags ?? {}),
    price: price.price,
    priceUnit: price.unit,
    tag: stringToHex(plan.tag ?? '', {size: 32}),
  }
}

function valueAt(value: unknown, pointer: string): unknown {
  let v = value
  for (const key of pointer.split('/').slice(1)) v = (v as Record<string, unknown> | undefined)?.[key.replaceAll('~1', '/').replaceAll('~0', '~')]
  return v
}

function hintFor(name: string): string {
  if (/size|mem$/.test(name)) return 'Sizes take a unit: 8GiB, 512MiB, 100GB.'
  if (/download|upload/.test(name)) return 'Rates take a unit: 100Mbit/s, 1Gbit/s.'
  if (name === 'price') return 'Write the price as 0.5usd/h, 0.0001usd/s or 3snm/h.'
  if (name === 'duration') return 'Write the duration as 2h, 30m, 1d or 0 for spot.'
  return 'See schemas/ask-plan.schema.json for the fields a plan takes.'
}
