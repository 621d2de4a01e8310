// Ask plans and job specs read through the `yaml` package: values, block scalars, lists of asks, and
// errors that name the field and the line.
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {afterAll, describe, expect, it} from 'vitest'

import {parseYamlText} from '../../src/lib/core/yaml-file.js'
import {loadPlan, loadPlans, parsePlan} from '../../src/lib/market/plan.js'
import {loadJobSpecFile} from '../../src/lib/provider/job-spec.js'
import {failure} from '../setup/errors.js'

const dir = mkdtempSync(path.join(os.tmpdir(), 'nectar-yaml-'))
afterAll(() => rmSync(dir, {force: true, recursive: true}))
const write = (name: string, text: string) => {
  const file = path.join(dir, name)
  writeFileSync(file, text)
  return file
}
describe('yaml-file', () => {
  it('gives the line of a value, of a key with a nested block, and of the nearest parent for a missing one', () => {
    const doc = parseYamlText('# comment\na: 1\nb:\n  c: [1, 2]\n  d:\n    e: x\nlist:\n  - one\n  - two\n', 'f.yaml')
    expect(doc.data).toEqual({a: 1, b: {c: [1, 2], d: {e: 'x'}}, list: ['one', 'two']})
    expect(doc.lineOf('/a')).toBe(2)
    expect(doc.lineOf('/b/d')).toBe(5)
    expect(doc.lineOf('/b/d/e')).toBe(6)
    expect(doc.lineOf('/list/1')).toBe(9)
    expect(doc.lineOf('/b/d/missing')).toBe(5)
  })

  it('refuses bad syntax and duplicate keys with the line', () => {
    expect(failure(() => parseYamlText('a: 1\nb: [1, 2\nc: 3\n', 'f.yaml')).message).toMatch(/^f\.yaml line \d: /)
    const dup = failure(() => parseYamlText('a: 1\nb: 2\na: 3\n', 'f.yaml', 'INVALID_PLAN'))
    expect(dup.code).toBe('INVALID_PLAN')
    expect(dup.message).toMatch(/^f\.yaml line 3: /)
    expect(dup.exitCode).toBe(2)
  })
})

describe('ask plans in YAML', () => {
  const good = 'duration: 2h\nprice: 0.5usd/h\ntag: gpu-box\nnetflags: {incoming: true}\nresources:\n  cpu:\n    cores: 4\n  ram:\n    size: 8GiB\n'

  it('reads one ask', () => {
    const order = parsePlan(good, 'ask.yaml')
    expect(order.duration).toBe(7200n)
    expect(order.benchmarks[2]).toBe(4n)
    expect(order.benchmarks[3]).toBe(8n * 1024n ** 3n)
    expect(order.netflags).toEqual([false, false, true])
  })

  it('names the field and the line of a wrong unit, a missing field and an unknown field', () => {
    const unit = failure(() => parsePlan(good.replace('8GiB', '8 parsecs'), 'ask.yaml'))
    expect(unit.message).toBe('ask.yaml line 9: resources.ram.size "8 parsecs" has the wrong unit or format.')
    expect(unit.details).toEqual(['field: resources.ram.size'])
    const missing = failure(() => parsePlan(good.replace('price: 0.5usd/h\n', ''), 'ask.yaml'))
    expect(missing.message).toBe('ask.yaml line 1: the field price is missing.')
    const unknown = failure(() => parsePlan(good + 'colour: blue\n', 'ask.yaml'))
    expect(unknown.message).toBe('ask.yaml line 10: unknown field colour.')
    // Several at once: all listed, by line.
    const several = failure(() => parsePlan(good.replace('8GiB', '8 parsecs').replace('price: 0.5usd/h\n', '') + 'colour: blue\n', 'ask.yaml'))
    expect(several.message).toMatch(/^ask\.yaml line \d+: .* \(and 2 more, below\)\.$/)
    expect(several.details).toEqual(['line 1: the field price is missing', 'line 8: resources.ram.size "8 parsecs" has the wrong unit or format', 'line 9: unknown field colour'])
  })

  it('reads a list of asks for the agent; one command that places one ask refuses a list', () => {
    const file = write('asks.yaml', `- ${good.trimEnd().replaceAll('\n', '\n  ')}\n- duration: 0\n  price: 1usd/h\n  resources:\n    gpu: {count: 1}\n`)
    const orders = loadPlans(file)
    expect(orders.map((o) => o.duration)).toEqual([7200n, 0n])
    expect(failure(() => loadPlan(file)).code).toBe('INVALID_PLAN')
    const bad = write('bad-asks.yaml', `- ${good.trimEnd().replaceAll('\n', '\n  ')}\n- duration: 0\n  price: 1usd/h\n  resources:\n    gpu: {count: one}\n`)
    const error = failure(() => loadPlans(bad))
    expect(error.message).toMatch(/line 13: \[1\]\.resources\.gpu\.count must be integer/)
    expect(error.details).toEqual(['field: [1].resources.gpu.count'])
  })

  it('names an unreadable file', () => {
    expect(failure(() => loadPlans(path.join(dir, 'nope.yaml'))).code).toBe('PLAN_UNREADABLE')
  })
})

describe('job specs in YAML', () => {
  it('reads a spec with a block scalar for an inline file, the same as its JSON', () => {
    const file = write('job.yaml', 'command: sh\nargs: [run.sh]\nenv:\n  GREETING: hello\nfiles:\n  - path: run.sh\n    mode: "755"\n    content: |\n      echo "$GREETING"\n      echo oops >&2\n      exit 3\ntimeLimit: 10m\n')
    const spec = loadJobSpecFile(file)
    expect(spec).toEqual({args: ['run.sh'], command: 'sh', env: {GREETING: 'hello'}, files: [{content: 'echo "$GREETING"\necho oops >&2\nexit 3\n', mode: '755', path: 'run.sh'}], timeLimit: '10m'})
    expect(loadJobSpecFile(write('job.json', JSON.stringify(spec)))).toEqual(spec)
  })

  it('names the field and the line of a problem', () => {
    const unknown = failure(() => loadJobSpecFile(write('bad1.yaml', 'command: sh\nargs: [x]\ncomand: typo\n')))
    expect(unknown.code).toBe('INVALID_JOB_SPEC')
    expect(unknown.message).toMatch(/bad1\.yaml line 3: unknown field "comand"/)
    expect(unknown.details).toEqual(['field: /comand'])
    const nested = failure(() => loadJobSpecFile(write('bad2.yaml', 'command: sh\nfiles:\n  - path: ../escape\n    content: x\n')))
    expect(nested.message).toMatch(/bad2\.yaml line 3: file path "\.\.\/escape" leaves/)
    const syntax = failure(() => loadJobSpecFile(write('bad3.yaml', 'command: sh\n  args: [x\n')))
    expect(syntax.code).toBe('INVALID_JOB_FILE')
    expect(syntax.message).toMatch(/bad3\.yaml line \d/)
    expect(failure(() => loadJobSpecFile(path.join(dir, 'none.yaml'))).code).toBe('JOB_FILE_UNREADABLE')
  })

  it('lists every problem at once, each with its line', () => {
    const many = failure(() => loadJobSpecFile(write('bad4.yaml', 'comand: sh\nargs: x\ntimeLimit: soon\nfiles:\n  - path: a\n    content: 1\n')))
    expect(many.code).toBe('INVALID_JOB_SPEC')
    expect(many.message).toMatch(/bad4\.yaml line 1: unknown field "comand" \(did you mean "command"\?\) \(and 4 more, below\)\.$/)
    expect(many.details).toEqual([
      'line 1: unknown field "comand" (did you mean "command"?)',
      'line 1: missing field "command"',
      'line 2: /args must be array',
      'line 3: timeLimit must be seconds or a duration such as 90s, 10m, 1h30m, 1.5h',
      'line 6: /files/0/content must be string',
    ])
  })
})
