import path from 'node:path'

import {Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {rpcFlags, signerFlags, txFlags} from '../../lib/cli/flags.js'
import {requireContract} from '../../lib/config/settings.js'
import {parseAddress} from '../../lib/core/addresses.js'
import {type ProposalGate, type UpgradeResult} from '../../lib/nectar/controller-upgrade.js'

export default class ControllerUpgrade extends BaseCommand<typeof ControllerUpgrade> {
  static summary = 'Make a candidate NEC’s controller (owner).'
  static description = `Make a candidate NEC's controller (owner): upgradeController on the current controller, then NEC.controller() is
read back. Refused before anything is sent unless the candidate is ready: it has code and is a NectarController whose
token is NEC, you own both controllers, its whitelist holds every registration, admin and maker of the current one
(\`controller migrate\`), and no \`rewards issue\` run is half done. The preview lists what changes.

With --proposal ID it is also refused unless governance proposal ID (on the profile's proposalManager) passed:
an admin approved it and did not deny it, its voting period is over (the latest block's time is at or past
approval time + duration), and its yes weight is larger than its no weight (a tie or no votes fails). An unknown
id exits 2; a proposal still open, or denied, never approved or rejected, exits 1. The preview and the JSON name
the proposal and its tally.`
  static examples = [
    '<%= config.bin %> <%= command.id %> --to 0x…',
    '<%= config.bin %> <%= command.id %> --to 0x… --proposal 3',
    '<%= config.bin %> <%= command.id %> --to 0x… --yes --json',
  ]
  static flags = {
    ...rpcFlags,
    ...signerFlags,
    ...txFlags,
    proposal: Flags.string({description: 'A governance proposal id that must have passed (approved, vote ended, more yes than no)'}),
    to: Flags.string({description: 'The candidate controller', required: true}),
  }

  public async run(): Promise<UpgradeResult> {
    const candidate = parseAddress(this.flags.to, '--to')
    const settings = this.settings()
    const nec = requireContract(settings, 'nec')
    let proposal: ProposalGate | undefined
    if (this.flags.proposal !== undefined) {
      const [{parseProposalId}, {storedTitles}] = await Promise.all([import('../../lib/nectar/governance.js'), import('../../lib/nectar/governance-text.js')])
      proposal = {id: parseProposalId(this.flags.proposal), manager: requireContract(settings, 'proposalManager'), titles: storedTitles(this.dataDir)}
    }
    const client = await this.client()
    await this.tokenController()
    const send = await this.sendOptions()
    const {upgradeController} = await import('../../lib/nectar/controller-upgrade.js')
    const result = await upgradeController(client, {candidate, journalDir: path.join(this.dataDir, 'journals'), nec, proposal}, send)
    const {upgradeText} = await import('../../lib/cli/controller-views.js')
    this.log(upgradeText(result))
    // A stored profile that named the old controller now names the new one (it was verified on the token).
    const {name} = settings.network
    const networks = this.loadConfig().networks ?? {}
    const stored = Object.hasOwn(networks, name) ? networks[name] : undefined
    if (stored?.contracts?.controller?.toLowerCase() === result.previous.toLowerCase()) {
      const {updateConfig} = await import('../../lib/config/store.js')
      updateConfig(this.configDir, (data) => {
        data.networks![name].contracts!.controller = result.controller
      })
      this.note(`The network ${name} now names the controller ${result.controller}.`)
    }
    // The devnet's deployment record too, or the next `devnet up` would write the old one back.
    if (settings.network.devnet) {
      const {readDeploymentRecord, writeDeploymentRecord} = await import('../../lib/devnet/profile.js')
      const record = readDeploymentRecord(this.dataDir)
      if (record?.contracts.controller.toLowerCase() === result.previous.toLowerCase()) writeDeploymentRecord(this.dataDir, {...record, contracts: {...record.contracts, controller: result.controller}})
    }
    return result
  }
}
