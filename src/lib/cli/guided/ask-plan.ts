// `provider offer create` without --plan, at a terminal: the plan built by questions (resources,
// price, deal length, netflags), written as the YAML that --plan takes and checked by the same schema
// and parser, and saved where the person says (or not at all).
import {existsSync, writeFileSync} from 'node:fs'

import {stringify} from 'yaml'

import {parseDurationSeconds} from '../../core/durations.js'
import {parseCount} from '../../core/numbers.js'
import {NETFLAG_NAMES, type NetflagName} from '../../market/benchmarks.js'
import {parsePlan, type PlanFile} from '../../market/plan.js'
import {parseBitrate, parsePrice, parseSize} from '../../market/units.js'
import {type Ask, checkWith} from '../ask.js'

const count = (label: string) => checkWith((a) => parseCount(a, {label, max: Number.MAX_SAFE_INTEGER, min: 0}))
const optional = (check: (a: string) => string | undefined) => (a: string) => (a === '' ? undefined : check(a))

/** Asks for one ask plan and returns it as plan YAML (checked by parsePlan: what --plan would accept). */
export async function askPlan(ask: Ask): Promise<{plan: PlanFile; text: string}> {
  const resources: PlanFile['resources'] = {}
  resources.cpu = {cores: Number(await ask.input('CPU cores (threads):', {check: count('the number of cores'), initial: '2'}))}
  resources.ram = {size: await ask.input('RAM (8GiB, 512MiB):', {check: checkWith((a) => parseSize(a, 'the RAM')), initial: '4GiB'})}
  const storage = await ask.input('Storage (100GiB; empty for none):', {check: optional(checkWith((a) => parseSize(a, 'the storage')))})
  if (storage) resources.storage = {size: storage}
  const gpus = Number(await ask.input('GPUs:', {check: count('the number of GPUs'), initial: '0'}))
  if (gpus > 0) resources.gpu = {count: gpus, mem: await ask.input('Memory per GPU (8GiB):', {check: checkWith((a) => parseSize(a, 'the GPU memory')), initial: '8GiB'})}
  const download = await ask.input('Download bandwidth (100Mbit/s; empty for none):', {check: optional(checkWith((a) => parseBitrate(a, 'the download bandwidth')))})
  const upload = await ask.input('Upload bandwidth (50Mbit/s; empty for none):', {check: optional(checkWith((a) => parseBitrate(a, 'the upload bandwidth')))})
  if (download || upload) resources.network = {...(download ? {download} : {}), ...(upload ? {upload} : {})}
  // SNM prices need the oracle rate, read later; here only the form is checked (any rate will do).
  const price = await ask.input('Price (0.5usd/h, 0.0001usd/s, 3snm/h):', {check: checkWith((a) => parsePrice(a, 1n, 'the price')), initial: '0.5usd/h'})
  const duration = await ask.input('Longest deal (2h, 1d; 0 for spot):', {check: checkWith((a) => parseDurationSeconds(a, {allowZero: true, label: 'longest deal'})), initial: '2h'})
  const flags = await ask.checkbox<NetflagName>('Network (space to toggle, Enter to accept):', NETFLAG_NAMES.map((name) => ({checked: name === 'outbound', description: NETFLAG_DESCRIPTIONS[name], name, value: name})))
  const plan: PlanFile = {duration, price, resources, ...(flags.length > 0 ? {netflags: Object.fromEntries(flags.map((f) => [f, true]))} : {})}
  const text = stringify(plan)
  parsePlan(text, 'the plan', 1n) // the schema and the parser --plan uses: a plan that fails here would fail there
  return {plan, text}
}

const NETFLAG_DESCRIPTIONS: Record<NetflagName, string> = {
  incoming: 'the job can accept connections from outside',
  outbound: 'the job can reach the internet',
  overlay: "SONM's overlay network between machines",
}

/** Offers to save the plan; returns the file it was written to, or undefined. */
export async function savePlan(ask: Ask, text: string): Promise<string | undefined> {
  if (!(await ask.confirm('Save this plan to a file (for --plan next time)?', true))) return undefined
  for (;;) {
    const file = await ask.input('File:', {initial: 'ask.yaml'})
    if (existsSync(file) && !(await ask.confirm(`${file} exists. Replace it?`, false))) continue
    writeFileSync(file, text)
    return file
  }
}
