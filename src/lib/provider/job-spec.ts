// A renter's job: what to run on the provider's machine. Checked against schemas/job.schema.json
// (precompiled by scripts/gen-validators.mjs) on both sides: by the renter's CLI before anything is
// signed, and by the agent before anything runs. Unknown fields are refused by name; a file may be
// YAML or JSON, and its errors name the line.
import path from 'node:path'

import {parseDurationMs} from '../core/durations.js'
import {nectarError, ProblemList} from '../core/errors.js'
import {closest} from '../core/suggest.js'
import {readYamlFile} from '../core/yaml-file.js'
import validate from './validate-job.gen.js'

export interface JobFile {
  content: string
  encoding?: 'base64' | 'utf8'
  mode?: string
  path: string
}

export interface JobSpec {
  args?: string[]
  command: string
  env?: Record<string, string>
  files?: JobFile[]
  image?: string
  /** Renter-side files and directories (relative to the spec file), sent as `upload` by the CLI. */
  inputs?: string[]
  name?: string
  /** Paths in the work dir the renter may pull once the job ends. */
  outputs?: string[]
  /** Seconds, or a duration string such as 10m. */
  timeLimit?: number | string
  /** The archive unpacked into the work dir before the job starts (sent first, by its sha256). */
  upload?: {sha256: string; size: number}
}

export interface JobSpecProblem {
  /** JSON pointer of the field ('' = the spec itself). */
  field: string
  message: string
}

/** The first problem with a spec (unknown field, missing command, wrong type), or undefined when it is valid. */
export function jobSpecProblem(value: unknown): JobSpecProblem | undefined {
  return jobSpecProblems(value)[0]
}

/**
 * Every problem with a spec, one per field, unknown and missing fields first; empty when it is valid.
 * (The schema is compiled with ajv's allErrors, so one pass finds them all.)
 */
export function jobSpecProblems(value: unknown): JobSpecProblem[] {
  if (validate(value)) {
    const spec = value as JobSpec
    const problems: JobSpecProblem[] = []
    if (spec.timeLimit !== undefined && timeLimitMs(spec.timeLimit) === undefined) problems.push({field: '/timeLimit', message: `timeLimit ${JSON.stringify(spec.timeLimit)} is not a duration`})
    for (const [i, file] of (spec.files ?? []).entries()) {
      const problem = filePathProblem(file.path)
      if (problem) problems.push({field: `/files/${i}/path`, message: problem})
    }
    for (const [i, p] of (spec.outputs ?? []).entries()) {
      const problem = filePathProblem(p, 'output path')
      if (problem) problems.push({field: `/outputs/${i}`, message: problem})
    }
    return problems
  }
  const errors = validate.errors ?? []
  if (errors.length === 0) return [{field: '', message: 'the job spec is not valid'}]
  // Unknown fields, then missing ones, then the rest; one problem per field (a oneOf adds one error per branch).
  const rank = (keyword: string) => (keyword === 'additionalProperties' ? 0 : keyword === 'required' ? 1 : 2)
  const byField = new Map<string, JobSpecProblem>()
  for (const e of [...errors].sort((x, y) => rank(x.keyword) - rank(y.keyword))) {
    const at = e.instancePath
    let problem: JobSpecProblem
    if (e.keyword === 'additionalProperties') {
      const name = (e.params as {additionalProperty: string}).additionalProperty
      const guess = closest(name, Object.keys((e.parentSchema as {properties?: object} | undefined)?.properties ?? {}))
      problem = {field: `${at}/${name}`, message: `unknown field "${name}"${at ? ` in ${at}` : ''}${guess ? ` (did you mean "${guess}"?)` : ''}`}
    } else if (e.keyword === 'required') {
      const name = (e.params as {missingProperty: string}).missingProperty
      problem = {field: `${at}/${name}`, message: `missing field "${name}"${at ? ` in ${at}` : ''}`}
    } else if (at === '/timeLimit') {
      problem = {field: at, message: 'timeLimit must be seconds or a duration such as 90s, 10m, 1h30m, 1.5h'}
    } else {
      problem = {field: at, message: `${at || 'the job spec'} ${e.message}`}
    }
    if (!byField.has(problem.field)) byField.set(problem.field, problem)
  }
  return [...byField.values()]
}

function filePathProblem(p: string, what = 'file path'): string | undefined {
  if (p.includes('\0')) return `a ${what} cannot contain NUL`
  if (path.posix.isAbsolute(p)) return `${what} ${JSON.stringify(p)} must be relative to the job's working directory`
  const normal = path.posix.normalize(p)
  if (normal === '..' || normal.startsWith('../') || normal === '.' || normal === './') return `${what} ${JSON.stringify(p)} leaves the job's working directory`
  return undefined
}

/**
 * A checked spec, or a usage error naming the field and the file (and the line, given `lineOf`): the
 * first problem in the message, and when there are more, every one of them (up to 20) in the details.
 */
export function parseJobSpec(value: unknown, source = 'the job spec', lineOf?: (pointer: string) => number): JobSpec {
  const problems = jobSpecProblems(value)
  if (problems.length > 0) {
    const at = (problem: JobSpecProblem) => (lineOf ? ` line ${lineOf(problem.field)}` : '')
    const [first] = problems
    let details = first.field ? [`field: ${first.field}`] : []
    if (problems.length > 1) {
      const list = new ProblemList()
      const inOrder = lineOf ? [...problems].sort((a, b) => lineOf(a.field) - lineOf(b.field)) : problems
      for (const problem of inOrder) list.add(`${at(problem).trim() || problem.field}: ${problem.message}`)
      details = list.details()
    }
    throw nectarError('INVALID_JOB_SPEC', `${source}${at(first)}: ${first.message}${problems.length > 1 ? ` (and ${problems.length - 1} more, below)` : ''}.`, {
      details,
      hint: 'A job spec has command, args, env, files, inputs, outputs, timeLimit (and image, for container executors) and nothing else.',
    })
  }
  return value as JobSpec
}

/** Reads a job spec file, YAML or JSON (JSON is YAML); errors name the field and the line. */
export function loadJobSpecFile(file: string): JobSpec {
  const doc = readYamlFile(file, {code: 'INVALID_JOB_FILE', hint: 'Pass --job with the path of a job spec file (YAML or JSON).', unreadableCode: 'JOB_FILE_UNREADABLE'})
  return parseJobSpec(doc.data, file, doc.lineOf)
}

const MAX_TIME_LIMIT_MS = 366n * 86_400_000n

/** A job's time limit in ms (a bare number is seconds); undefined when it is not a duration. */
export function timeLimitMs(value: number | string): number | undefined {
  try {
    return Number(parseDurationMs(value, {label: 'timeLimit', maxMs: MAX_TIME_LIMIT_MS, subSecond: true}))
  } catch {
    return undefined
  }
}
