// Placeholder until the wallet module lands.
export async function resolveAccountAddress(_o: unknown): Promise<`0x${string}`> { throw new Error('not yet') }
export async function resolveAccount(_o: unknown): Promise<never> { throw new Error('not yet') }
