// Finding a job's processes from the outside, for tests that check none outlives its job: a test job
// carries NECTAR_TEST_MARK=<mark> in its environment, and every process it starts inherits it
// (setsid, double fork and nohup included).
import {readdirSync, readFileSync} from 'node:fs'

/** Live processes (zombies are dead) whose environment holds NECTAR_TEST_MARK=`mark`, with their command lines. */
export function markedProcesses(mark: string): Array<{cmdline: string; pid: number}> {
  const found: Array<{cmdline: string; pid: number}> = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      if (!readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').includes(`NECTAR_TEST_MARK=${mark}`)) continue
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue
      found.push({cmdline: readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ').trim(), pid: Number(entry)})
    } catch {}
  }
  return found
}

/** A job's shell script that leaves a setsid'd, a double-forked and a nohup'd sleep behind, says so, then runs `then`. */
export const ESCAPERS = (then = 'sleep 300') => `setsid sleep 301 & (sleep 302 &) & nohup sleep 303 >/dev/null 2>&1 & echo started; ${then}`
export const ESCAPER_SLEEPS = ['sleep 301', 'sleep 302', 'sleep 303']

/** Whether all three escapers of the job marked `mark` are running. */
export const escapersRunning = (mark: string) => ESCAPER_SLEEPS.every((s) => markedProcesses(mark).some((p) => p.cmdline === s))
