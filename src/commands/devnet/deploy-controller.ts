import {Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {rpcFlags, signerFlags} from '../../lib/cli/flags.js'
import {renderKeyValues} from '../../lib/cli/render.js'
import {requireContract} from '../../lib/config/settings.js'
import {nectarError} from '../../lib/core/errors.js'
import {type CandidateDeployment} from '../../lib/devnet/candidate.js'

export default class DevnetDeployController extends BaseCommand<typeof DevnetDeployController> {
  static summary = 'Deploy a candidate controller on the devnet.'
  static description = `Deploy a candidate controller on the devnet: another NectarController for the devnet's NEC, with the current
controller's vault and window start, owned by the account (its first whitelist admin). NEC is not changed: rehearse
the upgrade with \`controller inspect\`, \`controller migrate\` and \`controller upgrade\`.`
  static examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --account dev0 --json']
  static flags = {
    ...rpcFlags,
    ...signerFlags,
    vault: Flags.string({description: "The candidate's vault (default: the current controller's)"}),
  }

  public async run(): Promise<CandidateDeployment> {
    const vault = this.flags.vault === undefined ? undefined : await this.addressArg(this.flags.vault, '--vault')
    const settings = this.settings()
    if (!settings.network.devnet) {
      throw nectarError('USAGE', `\`devnet deploy-controller\` deploys only on the devnet, not on ${settings.network.name}.`, {hint: 'Use --network devnet.'})
    }
    const nec = requireContract(settings, 'nec')
    const client = await this.client()
    const account = await this.signer()
    const {deployCandidateController} = await import('../../lib/devnet/candidate.js')
    const result = await deployCandidateController(client, {account, nec, vault})
    this.log(renderKeyValues([['candidate', result.address], ['owner', result.owner], ['vault', result.vault], ['transaction', result.txHash]]))
    return result
  }
}
