// Errors we wrote, end to end through the built CLI: an unknown command (with did-you-mean) and an
// extra argument print the envelope under --json; an RPC that answers junk is RPC_BAD_RESPONSE with
// its URL's secrets masked; Ctrl-C under --json prints the INTERRUPTED envelope and exits 130.
import http from 'node:http'
import {type AddressInfo} from 'node:net'
import {mkdtempSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {cliEnv, runCli, startCli, stopAll} from '../setup/cli.js'

let dir: string
let env: NodeJS.ProcessEnv
let junk: http.Server
let junkUrl: string
/** Receipt polls the junk node has answered: a command that polls has its SIGINT handler in place. */
let receiptPolls = 0

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'nectar-errors-'))
  env = cliEnv({configDir: path.join(dir, 'config'), dataDir: path.join(dir, 'data')})
  // Answers every JSON-RPC call with a result of the wrong shape (a proxy's page, a missing field).
  junk = http.createServer((req, res) => {
    let body = ''
    req.on('data', (c) => (body += c))
    req.on('end', () => {
      const {id, method} = JSON.parse(body) as {id: number; method: string}
      if (method === 'eth_getTransactionReceipt') receiptPolls++
      res.setHeader('content-type', 'application/json')
      // Enough sense for a wait to keep polling (no such transaction yet); junk for everything else.
      const sane: Record<string, unknown> = {eth_blockNumber: '0x1', eth_chainId: '0x1', eth_getTransactionByHash: null, eth_getTransactionCount: '0x0', eth_getTransactionReceipt: null}
      res.end(JSON.stringify({id, jsonrpc: '2.0', result: method in sane ? sane[method] : {html: '<h1>502</h1>'}}))
    })
  })
  await new Promise<void>((resolve) => junk.listen(0, '127.0.0.1', () => resolve()))
  junkUrl = `http://alice:hunter2@127.0.0.1:${(junk.address() as AddressInfo).port}/v3/SECRETKEY`
})

afterAll(async () => {
  await stopAll()
  junk?.close()
  rmSync(dir, {force: true, recursive: true})
})

describe('errors we wrote', () => {
  it('an unknown command: the envelope with the nearest command, exit 2', async () => {
    const r = await runCli(['balanc', '--json'], {env})
    expect(r.status).toBe(2)
    expect(r.envelope).toMatchObject({error: {code: 'UNKNOWN_COMMAND', hint: expect.stringContaining('nectar balance')}, ok: false})
    const human = await runCli(['comptue', 'offers'], {env})
    expect(human.status).toBe(2)
    expect(human.stderr).toContain('nectar compute offers')
  })

  it('an extra argument after a command that takes none: the envelope naming the command', async () => {
    const r = await runCli(['supply', 'extra', '--json'], {env})
    expect(r.status).toBe(2)
    expect(r.envelope.error).toMatchObject({code: 'USAGE', message: expect.stringContaining('nectar supply')})
  })

  it('junk JSON-RPC answers are RPC_BAD_RESPONSE, and the URL’s secrets are masked', async () => {
    const r = await runCli(['balance', '0x70997970C51812dc3A010C7d01b50e0d17dc79C8', '--network', 'mainnet', '--rpc-url', junkUrl, '--json'], {env})
    expect(r.status).toBe(1)
    expect(r.envelope.error.code).toBe('RPC_BAD_RESPONSE')
    expect(r.stdout).not.toContain('hunter2')
    expect(r.stdout).not.toContain('SECRETKEY')
  })

  it('Ctrl-C under --json prints the INTERRUPTED envelope and exits 130', async () => {
    // tx wait polls the (junk) node for a hash that never appears: a command that waits.
    const polls = receiptPolls
    const run = startCli(['tx', 'wait', `0x${'ab'.repeat(32)}`, '--rpc-url', junkUrl.replace('/v3/SECRETKEY', ''), '--timeout', '1h', '--network', 'mainnet', '--json'], {env})
    // Interrupt once it is polling (a fixed delay raced the start-up of a loaded machine).
    while (receiptPolls === polls) await new Promise((resolve) => setTimeout(resolve, 50))
    run.kill('SIGINT')
    const r = await run.done
    expect(r.status).toBe(130)
    expect(r.envelope).toMatchObject({error: {code: 'INTERRUPTED'}, ok: false})
  })
})
