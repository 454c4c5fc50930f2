import { describe, expect, it } from 'vitest'

import { COMMANDS } from './index.js'

describe('command list', () => {
  it('names each command as the command it loads names itself', async () => {
    for (const entry of COMMANDS) {
      const command = await entry.load()
      expect(command.name, entry.name).toBe(entry.name)
      expect(command.usage.startsWith(`alims ${entry.name}`), command.usage).toBe(true)
    }
  })

  it('puts a command before any whose name it starts', () => {
    for (const [i, entry] of COMMANDS.entries()) {
      const later = COMMANDS.slice(i + 1).filter((other) => other.name.startsWith(`${entry.name} `))
      expect(
        later.map((other) => other.name),
        entry.name,
      ).toEqual([])
    }
  })
})
