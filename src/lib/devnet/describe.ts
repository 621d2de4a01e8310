import {type DevnetInfo} from './lifecycle.js'

/** Key/value lines describing a devnet, for human output. */
export function devnetInfoLines(info: DevnetInfo): Array<[string, string]> {
  if (!info.running) return [['status', 'stopped'], ['state file', info.stateFile]]
  const lines: Array<[string, string]> = [
    ['status', 'running'],
    ['pid', String(info.pid)],
    ['rpc url', info.rpcUrl ?? ''],
    ['chain id', String(info.chainId)],
    ['block', info.blockNumber ?? ''],
    ['chain time', info.chainTime ?? ''],
  ]
  if (info.window !== null) lines.push(['window', String(info.window)])
  if (info.outdated) lines.push(['contracts', 'from another nectar build: `nectar devnet reset` redeploys'])
  if (info.contracts) {
    for (const [name, address] of Object.entries(info.contracts)) lines.push([name, String(address)])
  }
  lines.push(['state file', info.stateFile], ['log file', info.logFile])
  return lines
}
