// Demo: a provider agent and a renter's job. The provider (dev7) publishes its agent's endpoint and
// starts `provider serve --plan` in the background; the agent lists the plan's ask; the renter (dev8)
// rents it with a job and follows its output; the deal is closed and the agent stopped at the end.
import {spawn} from 'node:child_process'
import {mkdtempSync, openSync, writeFileSync} from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'

export const title = 'A provider agent, a compute job and its logs'

const provider = ['--account', 'dev7']
const renter = ['--account', 'dev8']
const PLAN = 'duration: 2h\nprice: 0.42usd/h\ntag: demo-agent\nresources:\n  cpu: {cores: 2}\n  ram: {size: 2GiB}\n'
const JOB = `# A job: a command, its arguments, and inline files written into its working directory.
command: ${JSON.stringify(process.execPath)}
args: [job.js]
timeLimit: 1m
files:
  - path: job.js
    content: |
      console.log("hello from the provider's machine")
      console.error("a line on stderr")
      for (let i = 1; i <= 3; i++) console.log("step " + i)
`

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = net.createServer().once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const {port} = server.address()
      server.close(() => resolve(port))
    })
  })

export default [
  {
    note: 'Write an ask plan and a job spec (YAML) to a temp dir, and pick a free port for the agent.',
    async run(ctx) {
      ctx.dir = mkdtempSync(path.join(os.tmpdir(), 'nectar-demo-'))
      ctx.plan = path.join(ctx.dir, 'ask.yaml')
      ctx.jobFile = path.join(ctx.dir, 'job.yaml')
      writeFileSync(ctx.plan, PLAN)
      writeFileSync(ctx.jobFile, JOB)
      ctx.port = await freePort()
      console.log(`${ctx.plan}:\n${PLAN}\n${ctx.jobFile}:\n${JOB}`)
    },
  },
  {argv: (ctx) => ['provider', 'register', '--endpoint', `http://127.0.0.1:${ctx.port}`, ...provider, '--yes'], note: 'The provider publishes its agent’s endpoint on chain, so renters find it from a deal alone.'},
  {
    note: 'Start the agent in the background (its log goes to agent.log in the temp dir); it places the plan’s ask.',
    async run(ctx) {
      const log = path.join(ctx.dir, 'agent.log')
      const argv = ['provider', 'serve', '--plan', ctx.plan, '--port', String(ctx.port), '--data-dir', path.join(ctx.dir, 'agent'), '--poll', '500', '--market-poll', '1000', ...provider]
      console.log(`$ nectar ${argv.join(' ')} 2> ${log} &`)
      ctx.agent = spawn(process.execPath, [ctx.bin, ...argv], {env: ctx.env, stdio: ['ignore', 'pipe', openSync(log, 'a')]})
      process.once('exit', () => ctx.agent.kill('SIGTERM')) // a failed step must not leave it running
      const url = await new Promise((resolve, reject) => {
        ctx.agent.stdout.once('data', (chunk) => resolve(String(chunk).trim()))
        ctx.agent.once('exit', (code) => reject(new Error(`the agent exited ${code}; see ${log}`)))
      })
      console.log(`agent listening on ${url}`)
      const tag = `0x${Buffer.from('demo-agent').toString('hex').padEnd(64, '0')}`
      for (const end = Date.now() + 20_000; !ctx.agentAsk; await new Promise((r) => setTimeout(r, 250))) {
        if (Date.now() > end) throw new Error(`the agent placed no ask; see ${log}`)
        ctx.agentAsk = ctx.json(['provider', 'offer', 'list', ...provider]).offers.find((o) => o.tag === tag)?.id
      }
      console.log(`the agent lists ask ${ctx.agentAsk}`)
    },
  },
  {argv: ['compute', 'offers', '--limit', '5'], note: 'The five cheapest offers; the agent’s is among them.'},
  {
    argv: (ctx) => ['compute', 'order', ctx.agentAsk, '--duration', '1h', '--job', ctx.jobFile, '--follow', ...renter, '--yes'],
    note: 'Rent it with a job: the spec is checked first, the deal opens, the job goes to the agent, its stdout and stderr stream back here, and the command exits with the job’s status.',
  },
  {argv: ['compute', 'deals', ...renter], note: 'The renter’s open deals.'},
  {
    async run(ctx) {
      ctx.dealId = ctx.json(['compute', 'deals', ...renter]).deals.find((d) => d.askId === ctx.agentAsk).id
    },
  },
  {argv: (ctx) => ['compute', 'logs', ctx.dealId, '--tail', '3', ...renter], note: 'The last three lines again: the agent keeps every job’s log.'},
  {argv: (ctx) => ['compute', 'logs', ctx.dealId, '--account', 'dev1'], expectExit: 1, note: 'Another account is refused: only the deal’s renter may read its jobs (403).'},
  {argv: (ctx) => ['compute', 'close', ctx.dealId, ...renter, '--yes'], note: 'Close the deal; the agent lists the ask again on its next round.'},
  {
    note: 'Stop the agent (SIGTERM: running jobs are stopped and recorded, then it exits 0).',
    async run(ctx) {
      ctx.agent.kill('SIGTERM')
      const code = await new Promise((resolve) => ctx.agent.once('exit', resolve))
      console.log(`agent exited ${code}`)
    },
  },
]
