// Demo: run a job on a rented machine and follow its output (wired after the market merges: the deal
// comes from `compute order`, the agent from the seeded provider dev6 running `provider serve`).
export const title = 'A compute job and its logs'

export default (ctx = {}) => {
  const deal = String(ctx.dealId ?? 1)
  const job = ctx.jobFile ?? 'job.json'
  return [
    {argv: ['compute', 'run', deal, '--job', job, '--follow', '--account', 'dev8'], note: 'Start a job on the deal’s provider; its stdout and stderr stream back to this terminal, and the command exits with the job’s status.'},
    {argv: ['compute', 'jobs', deal, '--account', 'dev8'], note: 'The deal’s jobs, with status, exit code and why they ended.'},
    {argv: ['compute', 'logs', deal, '--tail', '5', '--timestamps', '--account', 'dev8'], note: 'The last lines again, with times: the agent keeps every job’s log.'},
    {argv: ['compute', 'logs', deal, '--stream', 'stderr', '--json', '--account', 'dev8'], note: 'One JSON object per record (seq, stream, ts, data), then the envelope.'},
    {argv: ['compute', 'logs', deal, '--account', 'dev1'], expectFailure: true, note: 'Another account is refused: only the deal’s renter may read its jobs (403).'},
  ]
}
