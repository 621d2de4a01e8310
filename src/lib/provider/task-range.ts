// A batch's task range: `--tasks 1-240 --per-task 10` is 24 tasks of 10 frames each (1-10, 11-20, …),
// the last one shorter when the range does not divide evenly. Each task's job sees its own first and
// last frame as TASK_START and TASK_END.
import {nectarError, quote} from '../core/errors.js'
import {type JobSpec} from './job-spec.js'

export interface TaskRange {
  /** Last frame, inclusive. */
  end: number
  start: number
}

/** Most tasks one batch may hold (its journal and report list each). */
export const MAX_TASKS = 100_000
const MAX_FRAME = 1_000_000_000

/** "1-240" (or "7" for one frame) split into tasks of `perTask` frames; a usage error for anything else. */
export function parseTaskRange(text: string, perTask = 1): TaskRange[] {
  if (!Number.isSafeInteger(perTask) || perTask < 1) throw nectarError('INVALID_PER_TASK', `--per-task ${perTask} is not a number of frames: a task has at least 1.`)
  const match = /^(\d{1,10})(?:-(\d{1,10}))?$/.exec(text.trim())
  if (!match) {
    throw nectarError('INVALID_TASK_RANGE', text.trim() === '' ? 'The task range is empty.' : `The task range ${quote(text)} is not FIRST-LAST.`)
  }
  const start = Number(match[1])
  const end = match[2] === undefined ? start : Number(match[2])
  if (start > MAX_FRAME || end > MAX_FRAME) throw nectarError('INVALID_TASK_RANGE', `The task range ${quote(text)} goes past frame ${MAX_FRAME.toLocaleString('en-US')}.`)
  if (end < start) {
    throw nectarError('INVALID_TASK_RANGE', `The task range ${text.trim()} is inverted: it ends (${end}) before it starts (${start}), so it holds no task.`, {hint: `Give the first frame first: --tasks ${end}-${start}.`})
  }
  const count = Math.ceil((end - start + 1) / perTask)
  if (count > MAX_TASKS) {
    throw nectarError('INVALID_TASK_RANGE', `The task range ${text.trim()} makes ${count.toLocaleString('en-US')} tasks of ${perTask} frame(s); a batch holds at most ${MAX_TASKS.toLocaleString('en-US')}.`, {
      hint: `Give more frames per task: --per-task ${Math.ceil((end - start + 1) / MAX_TASKS)} or more, or split the range over several batches.`,
    })
  }
  const tasks: TaskRange[] = []
  for (let s = start; s <= end; s += perTask) tasks.push({end: Math.min(s + perTask - 1, end), start: s})
  return tasks
}

/** How a task is named in the journal, the report and messages: "11-20", or "7" for one frame. */
export const taskName = (task: TaskRange): string => (task.start === task.end ? String(task.start) : `${task.start}-${task.end}`)

/** The batch's spec for one task: its env gains TASK_START and TASK_END (replacing any given). */
export function taskSpec(spec: JobSpec, task: TaskRange): JobSpec {
  return {...spec, env: {...spec.env, TASK_END: String(task.end), TASK_START: String(task.start)}}
}
