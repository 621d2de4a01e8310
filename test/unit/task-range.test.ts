// compute batch's task range: how --tasks and --per-task split into tasks, and what is refused.
import {describe, expect, it} from 'vitest'

import {MAX_TASKS, parseTaskRange, taskName, taskSpec} from '../../src/lib/provider/task-range.js'
import {failure} from '../setup/errors.js'

describe('parseTaskRange', () => {
  it('splits FIRST-LAST into tasks of --per-task frames, the last one shorter', () => {
    expect(parseTaskRange('1-240', 10)).toHaveLength(24)
    expect(parseTaskRange('1-240', 10).at(-1)).toEqual({end: 240, start: 231})
    expect(parseTaskRange('3-9', 3)).toEqual([{end: 5, start: 3}, {end: 8, start: 6}, {end: 9, start: 9}])
    expect(parseTaskRange('7')).toEqual([{end: 7, start: 7}])
    expect(parseTaskRange('0-2').map(taskName)).toEqual(['0', '1', '2'])
    expect(parseTaskRange('1-4', 100).map(taskName)).toEqual(['1-4'])
  })

  it('refuses inverted, empty and malformed ranges, and --per-task below 1, with a hint', () => {
    expect(failure(() => parseTaskRange('5-1'))).toMatchObject({code: 'INVALID_TASK_RANGE', exitCode: 2, hint: 'Give the first frame first: --tasks 1-5.'})
    expect(failure(() => parseTaskRange('3-2')).message).toMatch(/inverted: it ends \(2\) before it starts \(3\)/)
    for (const bad of ['', ' ', '1-', '-5', 'a-b', '1-2-3', '1.5-3', '1 - 3', '+1-3']) expect(failure(() => parseTaskRange(bad)), bad).toMatchObject({code: 'INVALID_TASK_RANGE', hint: expect.stringContaining('--tasks')})
    for (const n of [0, -1, 1.5, Number.NaN]) expect(failure(() => parseTaskRange('1-10', n))).toMatchObject({code: 'INVALID_PER_TASK', exitCode: 2, hint: expect.stringContaining('--per-task')})
    expect(failure(() => parseTaskRange(`1-${MAX_TASKS + 1}`))).toMatchObject({code: 'INVALID_TASK_RANGE', hint: expect.stringContaining('--per-task 2')})
    expect(parseTaskRange(`1-${MAX_TASKS}`)).toHaveLength(MAX_TASKS)
  })

  it('gives each task its frames as TASK_START and TASK_END, over any the spec had', () => {
    expect(taskSpec({command: 'render', env: {SCENE: 'a', TASK_START: '99'}}, {end: 20, start: 11}).env).toEqual({SCENE: 'a', TASK_END: '20', TASK_START: '11'})
  })
})
