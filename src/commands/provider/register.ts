import {Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {rpcFlags, signerFlags, txFlags} from '../../lib/cli/flags.js'
import type {PublishedEndpoint} from '../../lib/market/endpoints.js'

export default class ProviderRegister extends BaseCommand<typeof ProviderRegister> {
  static summary = 'Publish your agent’s URL on chain.'
  static description = `Publish your agent's http(s) URL on SONM's ProfileRegistry, so renters find it from a deal alone.

The URL is a self-issued certificate of attribute type 1001 (types below 1100 need no validator): CreateCertificate(you, 1001, the URL as UTF-8 bytes); anyone reads it with GetAttributeValue(address, 1001). The attribute holds one value: a new URL removes the old certificate (RemoveCertificate) and then creates one; the same URL again sends nothing. A worker that publishes no URL of its own is reached at its master's (provider worker add/confirm), so a master can publish one URL for all its workers. A renter can override any of it with --endpoint, or per provider with \`nectar config set networks.NAME.endpoints.PROVIDER_ADDRESS URL\`.`
  static examples = ['<%= config.bin %> <%= command.id %> --endpoint https://agent.example.org:8080', '<%= config.bin %> <%= command.id %> --endpoint http://127.0.0.1:8701 --account dev6 --yes --json']
  static flags = {...rpcFlags, ...signerFlags, ...txFlags, endpoint: Flags.string({description: 'http:// or https:// URL of your agent', required: true})}

  public async run(): Promise<PublishedEndpoint> {
    const {parseEndpoint} = await import('../../lib/market/provider.js')
    const endpoint = parseEndpoint(this.flags.endpoint) // a bad URL fails before touching the chain
    const {profileRegistry} = await this.marketAddresses(['profileRegistry'])
    const {publishEndpoint} = await import('../../lib/market/endpoints.js')
    const published = await publishEndpoint(await this.client(), {endpoint, profileRegistry}, await this.sendOptions())
    if (published.txHash) this.log(`Published ${published.endpoint} for ${published.provider} in ${published.txHash}.`)
    else this.log(`${published.provider} already publishes ${published.endpoint}; nothing was sent.`)
    return published
  }
}
