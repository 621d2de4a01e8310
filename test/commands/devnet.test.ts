// `nectar devnet up|status|advance|down|reset` in-process (built dist), on a free port with temporary
// config and data dirs: a detached anvil of its own, stopped at the end whatever happens.
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {runCommand} from '@oclif/test'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {freePort} from '../../src/lib/devnet/anvil.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

interface Info {
  alreadyRunning?: boolean
  blockNumber: string
  chainTime: string
  chainTimestamp: number
  outdated: boolean
  contracts: {controller: string; nec: string} | null
  deployed?: boolean
  pid: number
  port: number
  restored?: boolean
  rpcUrl: string
  running: boolean
  window: number
}

async function nectar<T>(...args: string[]): Promise<T> {
  const {error, stdout} = await runCommand([...args, '--json'], {root})
  const envelope = JSON.parse(stdout) as {data: T; error?: unknown; ok: boolean}
  if (!envelope.ok) throw new Error(`nectar ${args.join(' ')} failed: ${JSON.stringify(envelope.error)} ${error?.message ?? ''}`)
  return envelope.data
}

describe('nectar devnet', () => {
  let dir: string
  let port: number
  const saved = {config: process.env.NECTAR_CONFIG_DIR, data: process.env.NECTAR_DATA_DIR}

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'nectar-devnet-test-'))
    process.env.NECTAR_CONFIG_DIR = path.join(dir, 'config')
    process.env.NECTAR_DATA_DIR = path.join(dir, 'data')
    port = await freePort()
  })

  afterAll(async () => {
    try {
      await runCommand(['devnet', 'down', '--json'], {root})
    } finally {
      // Belt and braces: never leave an anvil behind.
      try {
        const {pid} = JSON.parse(readFileSync(path.join(dir, 'data/devnet/anvil.pid'), 'utf8')) as {pid: number}
        process.kill(pid, 'SIGKILL')
      } catch {
        // already stopped
      }
      process.env.NECTAR_CONFIG_DIR = saved.config
      process.env.NECTAR_DATA_DIR = saved.data
      rmSync(dir, {force: true, recursive: true})
    }
  })

  it('starts, deploys, seeds and writes the devnet profile', async () => {
    const up = await nectar<Info>('devnet', 'up', '--port', String(port))
    expect(up.running).toBe(true)
    expect(up.deployed).toBe(true)
    expect(up.rpcUrl).toBe(`http://127.0.0.1:${port}`)
    expect(up.window).toBe(1)
    expect(up.contracts?.nec).toMatch(/^0x[0-9a-fA-F]{40}$/)
    const config = JSON.parse(readFileSync(path.join(dir, 'config/config.json'), 'utf8'))
    expect(config.network).toBe('devnet')
    expect(config.networks.devnet).toMatchObject({chainId: 31337, contracts: {controller: up.contracts!.controller, nec: up.contracts!.nec}, devnet: true, rpcUrl: up.rpcUrl})

    const again = await nectar<Info>('devnet', 'up')
    expect(again.alreadyRunning).toBe(true)
    expect(again.pid).toBe(up.pid)
  })

  it('reports status, moves time by windows, and refuses bad --days', async () => {
    const status = await nectar<Info>('devnet', 'status')
    expect(status).toMatchObject({port, running: true, window: 1})
    expect(new Date(status.chainTime).getTime()).toBe(status.chainTimestamp * 1000)

    const advanced = await nectar<Info & {seconds: number}>('devnet', 'advance', '--days', '31')
    expect(advanced.seconds).toBe(31 * 86_400)
    expect(advanced.window).toBe(2)
    expect(advanced.chainTimestamp).toBeGreaterThanOrEqual(status.chainTimestamp + 31 * 86_400)

    for (const bad of ['0', '-1', 'abc', '36501']) {
      const {stdout} = await runCommand(['devnet', 'advance', '--days', bad, '--json'], {root})
      expect(JSON.parse(stdout)).toMatchObject({error: {code: 'INVALID_DURATION'}, ok: false})
    }
  })

  it('keeps state and chain time across down and up', async () => {
    const before = await nectar<Info>('devnet', 'status')
    const down = await nectar<{stopped: boolean}>('devnet', 'down')
    expect(down.stopped).toBe(true)
    expect((await nectar<Info>('devnet', 'status')).running).toBe(false)
    expect((await nectar<{stopped: boolean}>('devnet', 'down')).stopped).toBe(false)

    const up = await nectar<Info>('devnet', 'up')
    expect(up.restored).toBe(true)
    expect(up.deployed).toBe(false)
    expect(up.port).toBe(port)
    expect(up.contracts).toEqual(before.contracts)
    expect(BigInt(up.blockNumber)).toBeGreaterThan(BigInt(before.blockNumber))
    expect(up.chainTimestamp).toBeGreaterThan(before.chainTimestamp)
    expect(up.window).toBe(2)
    // Later blocks keep the offset.
    const later = await nectar<Info>('devnet', 'advance', '--days', '0.001')
    expect(later.chainTimestamp).toBeGreaterThan(up.chainTimestamp)
    expect(later.window).toBe(2)
  })

  it('names a devnet deployed by another build of the contracts, and reset clears it', async () => {
    expect((await nectar<Info>('devnet', 'status')).outdated).toBe(false)
    // What a devnet left running by an older nectar looks like: a record from other contracts.
    const file = path.join(dir, 'data/devnet/deployment.json')
    writeFileSync(file, JSON.stringify({...JSON.parse(readFileSync(file, 'utf8')), contractsVersion: 'older-build'}))
    expect((await nectar<Info>('devnet', 'status')).outdated).toBe(true)
    const {stdout} = await runCommand(['devnet', 'up', '--json'], {root})
    const envelope = JSON.parse(stdout) as {data: Info; warnings?: string[]}
    expect(envelope.data.outdated).toBe(true)
    expect(envelope.warnings?.join(' ')).toContain('nectar devnet reset')
  })

  it('resets to a fresh chain', async () => {
    const reset = await nectar<Info>('devnet', 'reset')
    expect(reset.deployed).toBe(true)
    expect(reset.port).toBe(port)
    expect(reset.window).toBe(1)
    expect(reset.outdated).toBe(false)
    expect(Number(reset.blockNumber)).toBeLessThan(60) // the deployment and seed only (about 45 transactions), not the old chain
    const down = await nectar<{stopped: boolean}>('devnet', 'down')
    expect(down.stopped).toBe(true)
  })
})
