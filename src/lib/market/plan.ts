// Plan files (ask.yaml for providers, bid.yaml for renters): YAML -> schema check (schemas/
// ask-plan.schema.json, precompiled by scripts/gen-validators.mjs) -> the exact PlaceOrder arguments.
// Every error names the field and the line.
import {readFileSync} from 'node:fs'
import {type Address, stringToHex, zeroAddress} from 'viem'

import {parseAddress} from '../cli/addresses.js'
import {NectarError, usageError} from '../cli/errors.js'
import {type Benchmarks, benchmarksToVector, type Netflags, netflagsToVector} from './benchmarks.js'
import {parseYaml} from './mini-yaml.js'
import {parseBitrate, parseDuration, parsePrice, parseSize, type PriceUnit} from './units.js'
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

/** Reads and checks a plan file; `rate` is needed only for prices in SNM. */
export function loadPlan(path: string, rate?: bigint): OrderParams {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    throw usageError('PLAN_UNREADABLE', `Cannot read the plan file ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'}).`, {hint: 'Check the path.'})
  }
  return parsePlan(text, path, rate)
}

export function parsePlan(text: string, file: string, rate?: bigint): OrderParams {
  const doc = parseYaml(text, file)
  const lineOf = (pointer: string): number => {
    let p = pointer
    for (;;) {
      const line = doc.lineOf(p)
      if (line !== undefined) return line
      if (p === '') return 1
      p = p.slice(0, p.lastIndexOf('/'))
    }
  }
  const field = (pointer: string) => pointer.slice(1).replaceAll('/', '.') || '(top level)'
  if (!validatePlan(doc.value)) {
    const errors = validatePlan.errors ?? []
    // Prefer the most specific error (deepest path), and a missing field over anyOf noise.
    const sorted = [...errors].sort((a, b) => b.instancePath.length - a.instancePath.length)
    const e = sorted.find((x) => x.keyword !== 'anyOf') ?? sorted[0]
    const params = e.params as Record<string, string>
    let name = field(e.instancePath)
    let message: string
    if (e.keyword === 'required') {
      name = e.instancePath ? `${field(e.instancePath)}.${params.missingProperty}` : params.missingProperty
      message = `the field ${name} is missing`
    } else if (e.keyword === 'additionalProperties') {
      name = `${e.instancePath ? field(e.instancePath) + '.' : ''}${params.additionalProperty}`
      message = `unknown field ${name}`
    } else if (e.keyword === 'pattern') {
      message = `${name} ${JSON.stringify(valueAt(doc.value, e.instancePath))} has the wrong unit or format`
    } else {
      message = `${name} ${e.message}`
    }
    const pointer = e.keyword === 'additionalProperties' ? `${e.instancePath}/${params.additionalProperty}` : e.instancePath
    const line = lineOf(pointer)
    throw usageError('INVALID_PLAN', `${file} line ${line}: ${message}.`, {
      details: [`field: ${name}`],
      hint: hintFor(name),
    })
  }
  const plan = doc.value as PlanFile
  const at = <T>(pointer: string, fn: () => T): T => {
    try {
      return fn()
    } catch (error) {
      if (error instanceof NectarError) throw usageError('INVALID_PLAN', `${file} line ${lineOf(pointer)}: ${field(pointer)}: ${error.message}`, {details: [`field: ${field(pointer)}`], hint: error.hint})
      throw error
    }
  }
  const r = plan.resources
  const values: Partial<Benchmarks> = {
    cpuCores: BigInt(r.cpu?.cores ?? 0),
    cpuSysbenchMulti: BigInt(r.cpu?.sysbenchMulti ?? 0),
    cpuSysbenchSingle: BigInt(r.cpu?.sysbenchSingle ?? 0),
    gpuCashHashrate: BigInt(r.gpu?.cashHashrate ?? 0),
    gpuCount: BigInt(r.gpu?.count ?? 0),
    gpuEthHashrate: BigInt(r.gpu?.ethHashrate ?? 0),
    gpuMem: r.gpu?.mem === undefined ? 0n : at('/resources/gpu/mem', () => parseSize(r.gpu!.mem!, 'size')),
    gpuRedshift: BigInt(r.gpu?.redshift ?? 0),
    netDownload: r.network?.download === undefined ? 0n : at('/resources/network/download', () => parseBitrate(r.network!.download!, 'rate')),
    netUpload: r.network?.upload === undefined ? 0n : at('/resources/network/upload', () => parseBitrate(r.network!.upload!, 'rate')),
    ramSize: r.ram === undefined ? 0n : at('/resources/ram/size', () => parseSize(r.ram!.size, 'size')),
    storageSize: r.storage === undefined ? 0n : at('/resources/storage/size', () => parseSize(r.storage!.size, 'size')),
  }
  const price = at('/price', () => parsePrice(plan.price, rate, 'price'))
  if (price.price === 0n) throw usageError('INVALID_PLAN', `${file} line ${lineOf('/price')}: price must be more than 0.`, {details: ['field: price'], hint: 'Give a price such as 0.5usd/h.'})
  const tagBytes = new TextEncoder().encode(plan.tag ?? '')
  if (tagBytes.length > 32) throw usageError('INVALID_PLAN', `${file} line ${lineOf('/tag')}: tag is longer than 32 bytes.`, {details: ['field: tag'], hint: 'Shorten the tag.'})
  return {
    benchmarks: benchmarksToVector(values),
    blacklist: zeroAddress,
    counterparty: plan.counterparty ? at('/counterparty', () => parseAddress(plan.counterparty!, 'counterparty')) : zeroAddress,
    duration: at('/duration', () => parseDuration(plan.duration, 'duration')),
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
