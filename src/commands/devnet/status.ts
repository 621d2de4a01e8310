import {BaseCommand} from '../../lib/cli/base-command.js'
import {renderKeyValues} from '../../lib/cli/render.js'
import {type DevnetInfo} from '../../lib/devnet/lifecycle.js'

export default class DevnetStatus extends BaseCommand<typeof DevnetStatus> {
  static summary = 'Show whether the devnet is running, and its state.'
  static description = 'Show whether the local devnet is running, and its block, chain time, window and contract addresses.'
  static examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']

  public async run(): Promise<DevnetInfo> {
    const {devnetInfo} = await import('../../lib/devnet/lifecycle.js')
    const {devnetInfoLines} = await import('../../lib/devnet/describe.js')
    const info = await devnetInfo({dataDir: this.dataDir})
    this.log(renderKeyValues(devnetInfoLines(info)))
    if (!info.running) this.note('Start it with `nectar devnet up`.')
    return info
  }
}
