import path from 'node:path'

import {Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {batchFlags, inputFileFlag, rpcFlags, signerFlags} from '../../lib/cli/flags.js'
import {renderKeyValues} from '../../lib/cli/render.js'
import {requireContract} from '../../lib/config/settings.js'
import {type WhitelistAction, type WhitelistChangeReport} from '../../lib/nectar/whitelist-change.js'

export default class WhitelistAdd extends BaseCommand<typeof WhitelistAdd> {
  static summary = 'Register addresses on the whitelist (admin).'
  static description = `Register addresses on the whitelist (admin). Every address is checked first (EIP-55 when mixed case, not zero,
not the token or the controller) and all bad lines are reported at once; duplicates are merged and addresses already
registered are skipped. The rest are sent as register(address[]) in batches sized well inside the block gas limit,
under a journal: a re-run of the same input (or --resume) after a crash continues and sends nothing twice.`
  static examples = [
    '<%= config.bin %> <%= command.id %> 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC',
    '<%= config.bin %> <%= command.id %> --file holders.txt --yes',
    '<%= config.bin %> <%= command.id %> --file holders.txt --resume --json --yes',
  ]
  static flags = {
    ...rpcFlags,
    ...signerFlags,
    ...batchFlags,
    'batch-size': Flags.integer({description: 'Addresses per transaction (default: from the block gas limit)', hidden: true, min: 1}),
    file: inputFileFlag({description: 'File with one address per line (blank lines and # comments skipped; CSV: first field)'}),
    resume: Flags.boolean({description: 'Resume an interrupted run of the same input (a plain re-run does the same)'}),
  }
  static strict = false

  protected get action(): WhitelistAction {
    return 'add'
  }

  public async run(): Promise<WhitelistChangeReport> {
    const {action, flags} = this
    const {changeWhitelist, whitelistReport, whitelistTargets} = await import('../../lib/nectar/whitelist-change.js')
    const settings = this.settings()
    const nec = requireContract(settings, 'nec')
    // Bad input fails before the chain is asked anything; the token's controller is checked once known.
    const named = settings.network.contracts?.controller ?? nec
    const names = await this.accountNames(this.positionals)
    const spinner = this.busy(flags.file ? `Reading ${flags.file}…` : 'Checking…')
    const poke = () => spinner.poke()
    let addresses = whitelistTargets(action, this.positionals, flags.file, {controller: named, names, nec, poke})
    const client = await this.client()
    const contracts = {controller: await this.tokenController(), nec}
    if (contracts.controller.toLowerCase() !== named.toLowerCase()) addresses = whitelistTargets(action, this.positionals, flags.file, {...contracts, names, poke})
    const journalDir = path.join(this.dataDir, 'journals')
    spinner.update(`Reading the whitelist status of ${addresses.length.toLocaleString('en-US')} addresses…`)
    const result = await changeWhitelist(client, {action, addresses, batchSize: flags['batch-size'], controller: contracts.controller, journalDir}, await this.batchSendOptions())
    const {whitelistChangeLines} = await import('../../lib/cli/nectar-views.js')
    this.log(renderKeyValues(whitelistChangeLines(action, result)))
    return whitelistReport(action, contracts.controller, result)
  }
}
