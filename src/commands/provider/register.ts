import {Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {rpcFlags, signerFlags, txFlags} from '../../lib/cli/flags.js'

export default class ProviderRegister extends BaseCommand<typeof ProviderRegister> {
  static description = 'Publish your agent\'s http(s) endpoint in the provider registry, so renters find it from a deal alone.'
  static examples = ['<%= config.bin %> <%= command.id %> --endpoint https://agent.example.org:8080', '<%= config.bin %> <%= command.id %> --endpoint http://127.0.0.1:8701 --account dev6 --yes --json']
  static flags = {...rpcFlags, ...signerFlags, ...txFlags,endpoint: Flags.string({description: 'http:// or https:// URL of your agent', required: true})}

  public async run() {
    const {parseEndpoint} = await import('../../lib/market/provider.js')
    const endpoint = parseEndpoint(this.flags.endpoint)
    const {requireContract} = await import('../../lib/config/settings.js')
    const registry = requireContract(this.settings(), 'registry')
    const client = await this.client()
    const account = await this.signer()
    const {transact} = await import('../../lib/chain/transact.js')
    const {providerRegistryAbi} = await import('../../lib/contracts/generated/ProviderRegistry.js')
    const result = await transact(client, `Publish endpoint ${endpoint}`, {abi: providerRegistryAbi, address: registry, args: [endpoint], functionName: 'setEndpoint'}, {
      account,
      confirm: (p) => this.confirmTransaction(p),
      onSent: (hash) => this.note(`Sent ${hash}…`),
    })
    this.log(`Published ${endpoint} for ${account.address} in ${result.hash}.`)
    return {endpoint, provider: account.address, txHash: result.hash}
  }
}
