import path from 'node:path'

import {Flags} from '@oclif/core'

import {collectAddresses} from '../../lib/core/address-list.js'
import {BaseCommand} from '../../lib/cli/base-command.js'
import {confirmFlag, inputFileFlag, rpcFlags, signerFlags} from '../../lib/cli/flags.js'
import {nectarError} from '../../lib/core/errors.js'
import {renderKeyValues} from '../../lib/cli/render.js'
import {requireContract} from '../../lib/config/settings.js'

export default class WhitelistAdd extends BaseCommand<typeof WhitelistAdd> {
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
    ...confirmFlag,
    'batch-size': Flags.integer({description: 'Addresses per transaction (default: from the block gas limit)', hidden: true, min: 1}),
    file: inputFileFlag({description: 'File with one address per line (blank lines and # comments skipped; CSV: first field)'}),
    resume: Flags.boolean({description: 'Resume an interrupted run of the same input (a plain re-run does the same)'}),
  }
  static strict = false

  protected get action(): 'add' | 'remove' {
    return 'add'
  }

  public async run() {
    const {flags} = this
    const action = this.action
    if (this.positionals.length === 0 && !flags.file) throw nectarError('USAGE', 'Give at least one ADDRESS or --file.', {hint: `e.g. \`nectar whitelist ${action} 0x… 0x…\` or \`--file list.txt\`.`})
    const settings = this.settings()
    const nec = requireContract(settings, 'nec')
    const controller = requireContract(settings, 'controller')
    const exclude = new Map([[nec.toLowerCase(), 'the NEC token'], [controller.toLowerCase(), 'the controller']])
    const addresses = collectAddresses(this.positionals, flags.file, {exclude})
    const client = await this.client()
    const account = await this.signer()
    const {changeWhitelist} = await import('../../lib/nectar/whitelist-change.js')
    const {assertContract} = await import('../../lib/nectar/reads.js')
    await assertContract(client, controller, 'controller')
    const verb = action === 'add' ? 'Registering' : 'Deregistering'
    let progress = this.progress(verb, 0)
    const result = await changeWhitelist({
      account,
      action,
      addresses,
      batchSize: flags['batch-size'],
      client,
      confirm: async (plan) => {
        if (!this.jsonEnabled()) {
          this.logToStderr(renderKeyValues([
            ['action', `${action === 'add' ? 'register' : 'deregister'} ${plan.addresses} address${plan.addresses === 1 ? '' : 'es'} on ${controller}`],
            ['transactions', `${plan.toSend} new (${plan.batchSize} addresses each at most)${plan.pending > 0 ? `, ${plan.pending} signed earlier and re-sent` : ''}${plan.alreadyDone > 0 ? `, ${plan.alreadyDone} done earlier` : ''}`],
            ['gas', `${plan.totalGas} in total`],
            ['from', account.address],
            ['journal', plan.journal],
          ]))
        }
        await this.confirmOrRefuse(`Send ${plan.toSend} transaction(s)?`)
      },
      controller,
      journalDir: path.join(this.dataDir, 'journals'),
      onPlan: ({pending}) => {
        progress = this.progress(verb, pending)
      },
      onProgress: (n) => progress.tick(n),
    })
    progress.done()
    const changedKey = action === 'add' ? 'added' : 'removed'
    const alreadyKey = action === 'add' ? 'alreadyPresent' : 'alreadyAbsent'
    this.log(renderKeyValues([
      [changedKey, String(result.changed.length)],
      [action === 'add' ? 'already present' : 'already absent', String(result.already.length)],
      ['duplicates merged', String(result.duplicates)],
      ['invalid', '0'],
      ['transactions', String(result.transactions)],
    ]))
    return {
      [alreadyKey]: result.already.length,
      [changedKey]: result.changed.length,
      batchSize: result.batchSize,
      controller,
      duplicates: result.duplicates,
      invalid: 0,
      journal: result.journal ?? null,
      transactions: result.transactions,
      txHashes: result.txHashes,
      wanted: result.wanted,
    }
  }
}
