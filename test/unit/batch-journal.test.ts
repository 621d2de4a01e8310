// compute batch's journal on a real file: what a rerun learns from it, a line torn by a killed run, a
// journal of another batch, and the lock that keeps two runs of one batch apart.
import {appendFileSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {afterAll, describe, expect, it} from 'vitest'

import {type BatchIdentity, BatchJournal} from '../../src/lib/provider/batch-journal.js'
import {parseTaskRange} from '../../src/lib/provider/task-range.js'

const dir = mkdtempSync(path.join(os.tmpdir(), 'nectar-batch-journal-'))
afterAll(() => rmSync(dir, {force: true, recursive: true}))

const id: BatchIdentity = {chainId: 31337, deals: [7n, 8n], perTask: 2, signer: '0x00000000000000000000000000000000000000aa', spec: {command: 'render'}, tasks: '1-6'}
const tasks = parseTaskRange('1-6', 2)
const at = new Date().toISOString()

describe('BatchJournal', () => {
  it('tells a rerun which tasks are done and which jobs were started, and survives a torn last line', async () => {
    const file = path.join(dir, 'a.jsonl')
    const first = await BatchJournal.open(file, id, tasks)
    expect(first.resumed).toBe(false)
    await Promise.all([
      first.append({at, deal: '7', nonce: 'n1', task: '1-2', type: 'starting'}),
      first.append({at, attempt: 1, deal: '7', jobId: '1', task: '1-2', type: 'started'}),
      first.append({at, deal: '7', jobId: '1', task: '1-2', type: 'done'}),
      first.append({at, attempt: 1, deal: '8', jobId: '4', task: '3-4', type: 'started'}),
      first.append({at, deal: '8', nonce: 'n2', task: '5-6', type: 'starting'}),
    ])
    await first.close()
    // Killed mid-write: half a record at the end.
    appendFileSync(file, '{"at":"2026-01-01T00:00:00.000Z","deal":"8","jobId":"9","ta')
    for (let run = 0; run < 2; run++) {
      const again = await BatchJournal.open(file, id, tasks)
      expect(again.resumed).toBe(true)
      expect(again.history.get('1-2')).toMatchObject({attempts: 1, done: {jobId: '1'}})
      expect(again.history.get('3-4')).toMatchObject({attempts: 1, open: {deal: '8', jobId: '4'}})
      expect(again.history.get('5-6')).toMatchObject({attempts: 0, starting: run === 0 ? {deal: '8', nonce: 'n2'} : {deal: '7', nonce: 'n3'}})
      expect([...again.knownJobs].sort()).toEqual(['7/1', '8/4'])
      await again.append({at, deal: '7', nonce: 'n3', task: '5-6', type: 'starting'})
      await again.close()
    }
    expect(readFileSync(file, 'utf8')).not.toContain('"jobId":"9"')
    // A failed attempt closes the open job: the task is started anew, not followed.
    const last = await BatchJournal.open(file, id, tasks)
    await last.append({at, deal: '8', exitCode: 1, jobId: '4', reason: 'exited with code 1', task: '3-4', type: 'attempt-failed'})
    await last.close()
    const after = await BatchJournal.open(file, id, tasks)
    expect(after.history.get('3-4')).toMatchObject({attempts: 1, open: undefined})
    await after.close()
  })

  it('refuses the journal of another batch, and a second run of the same batch while one holds it', async () => {
    const file = path.join(dir, 'b.jsonl')
    const holder = await BatchJournal.open(file, id, tasks)
    await expect(BatchJournal.open(file, id, tasks)).rejects.toMatchObject({code: 'RUN_LOCKED', message: expect.stringContaining(`pid ${process.pid}`)})
    await holder.close()
    await expect(BatchJournal.open(file, {...id, deals: [7n, 9n]}, tasks)).rejects.toMatchObject({code: 'JOURNAL_OTHER_BATCH', hint: expect.stringContaining('--journal')})
    // The deals' order is not part of the batch.
    await (await BatchJournal.open(file, {...id, deals: [8n, 7n]}, tasks)).close()
  })
})
