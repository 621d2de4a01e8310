import {BaseCommand} from '../../lib/cli/base-command.js'
import {type DevnetDownResult} from '../../lib/devnet/lifecycle.js'

export default class DevnetDown extends BaseCommand<typeof DevnetDown> {
  static summary = 'Stop the local devnet, keeping its state.'
  static description = 'Stop the local devnet. Its state is kept for the next `devnet up`.'
  static examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']

  public async run(): Promise<DevnetDownResult> {
    const {devnetDown} = await import('../../lib/devnet/lifecycle.js')
    const result = await devnetDown({dataDir: this.dataDir})
    if (result.stopped) {
      this.log(`Stopped the devnet (pid ${result.pid}); state kept in ${result.stateFile}.`)
      if (result.forced) this.warnUser('anvil did not exit in time and was killed; the last few seconds of state may be lost.')
    } else {
      this.log('The devnet is not running.')
    }
    return result
  }
}
