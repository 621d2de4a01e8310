import {Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {renderKeyValues} from '../../lib/cli/render.js'
import {type DevnetUpResult} from '../../lib/devnet/lifecycle.js'

export default class DevnetUp extends BaseCommand<typeof DevnetUp> {
  static summary = 'Start the local devnet in the background.'
  static description =
    'Start the local devnet (anvil) in the background. The first start deploys NEC and its controller and seeds a small world; later starts keep the state and the chain time.'
  static examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --port 8546', '<%= config.bin %> <%= command.id %> --json']
  static flags = {
    port: Flags.integer({description: 'Port to listen on (127.0.0.1). Default: the last port used, else 8545.', max: 65_535, min: 1}),
  }

  public async run(): Promise<DevnetUpResult> {
    const {devnetUp} = await import('../../lib/devnet/lifecycle.js')
    const {devnetInfoLines} = await import('../../lib/devnet/describe.js')
    const result = await devnetUp({
      configDir: this.configDir,
      dataDir: this.dataDir,
      onProgress: (message) => this.note(message),
      port: this.flags.port,
    })
    if (result.alreadyRunning) {
      this.note(`The devnet is already running (pid ${result.pid}); nothing to do.`)
    } else if (result.deployed) {
      this.note(`Deployed and seeded in ${result.deploySeconds} s.`)
    } else if (result.restored) {
      this.note('Restored the chain from its state file.')
    }
    if (result.activated) this.note('The devnet is now the active network.')
    if (result.outdated) this.warnUser('The devnet was deployed by another version of nectar’s contracts; commands may fail against it. Run `nectar devnet reset` for a fresh one (its chain state is lost).')
    this.log(renderKeyValues(devnetInfoLines(result)))
    return result
  }
}
