// A renter's job: what to run on the provider's machine. Checked against schemas/job.schema.json
// (precompiled by scripts/gen-validators.mjs) on both sides: by the renter's CLI before anything is
// signed, and by the agent before anything runs. Unknown fields are refused by name; a file may be
// YAML or JSON, and its errors name the line.
import path from 'node:path'

import {parseDurationMs} from '../core/durations.js'
import {nectarError} from '../core/errors.js'
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
  name?: string
  /** Seconds, or a duration string such as 10m. */
  timeLimit?: number | string
}

export interface JobSpecProblem {
  /** JSON pointer of the field ('' = the spec itself). */
  field: string
  message: string
}

/** The first problem with a spec (unknown field, missing command, wrong type), or undefined when it is valid. */
export function jobSpecProblem(value: unknown): JobSpecProblem | undefined {
  if (validate(value)) {
    const spec = value as JobSpec
    if (spec.timeLimit !== undefined && timeLimitMs(spec.timeLimit) === undefined) return {field: '/timeLimit', message: `timeLimit ${JSON.stringify(spec.timeLimit)} is not a duration`}
    for (const [i, file] of (spec.files ?? []).entries()) {
      const problem = filePathProblem(file.path)
      if (problem) return {field: `/files/${i}/path`, message: problem}
    }
    return undefined
  }
  const errors = validate.errors ?? []
  // Prefer the errors that name a field: unknown field, then missing field, then the rest.
  const pick = errors.find((e) => e.keyword === 'additionalProperties') ?? errors.find((e) => e.keyword === 'required') ?? errors[0]
  if (!pick) return {field: '', message: 'the job spec is not valid'}
  const at = pick.instancePath
  if (pick.keyword === 'additionalProperties') {
    const name = (pick.params as {additionalProperty: string}).additionalProperty
    const guess = closest(name, Object.keys((pick.parentSchema as {properties?: object} | undefined)?.properties ?? {}))
    return {field: `${at}/${name}`, message: `unknown field "${name}"${at ? ` in ${at}` : ''}${guess ? ` (did you mean "${guess}"?)` : ''}`}
  }
  if (pick.keyword === 'required') {
    const name = (pick.params as {missingProperty: string}).missingProperty
    return {field: `${at}/${name}`, message: `missing field "${name}"${at ? ` in ${at}` : ''}`}
  }
  if (at === '/timeLimit') return {field: at, message: 'timeLimit must be seconds or a duration such as 90s, 10m, 1h30m, 1.5h'}
  return {field: at, message: `${at || 'the job spec'} ${pick.message}`}
}

function filePathProblem(p: string): string | undefined {
  if (p.includes('\0')) return 'a file path cannot contain NUL'
  if (path.posix.isAbsolute(p)) return `file path ${JSON.stringify(p)} must be relative to the job's working directory`
  const normal = path.posix.normalize(p)
  if (normal === '..' || normal.startsWith('../') || normal === '.') return `file path ${JSON.stringify(p)} leaves the job's working directory`
  return undefined
}

/** A checked spec, or a usage error naming the field and the file (and the line, given `lineOf`). */
export function parseJobSpec(value: unknown, source = 'the job spec', lineOf?: (pointer: string) => number): JobSpec {
  const problem = jobSpecProblem(value)
  if (problem) {
    throw nectarError('INVALID_JOB_SPEC', `${source}${lineOf ? ` line ${lineOf(problem.field)}` : ''}: ${problem.message}.`, {
      details: problem.field ? [`field: ${problem.field}`] : [],
      hint: 'A job spec has command, args, env, files, timeLimit (and image, for container executors) and nothing else.',
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
