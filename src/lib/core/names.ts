/** Names that are properties of every object (`constructor`, `__proto__`…): never a profile or a config key. */
export function isReservedName(name: string): boolean {
  return name in Object.prototype || name === 'prototype'
}
