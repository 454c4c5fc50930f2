// Fails when a shortcoming mark in the source lacks an issue number: write TODO(#N): what is missing.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'

const roots = ['src', 'ui/src', 'test', 'bench', 'scripts']
const bare = /\b(TODO|FIXME|XXX)\b(?!\(#\d+\))/
const found = []

function walk(dir) {
  let names
  try {
    names = readdirSync(dir)
  } catch {
    return
  }
  for (const name of names) {
    const path = join(dir, name)
    if (name === 'node_modules' || name === 'dist' || name === 'fixtures') continue
    if (statSync(path).isDirectory()) walk(path)
    else if (/\.(ts|tsx|js|mjs)$/.test(name) && !path.endsWith('check-todos.mjs')) check(path)
  }
}

function check(path) {
  const lines = readFileSync(path, 'utf8').split('\n')
  lines.forEach((line, index) => {
    if (bare.test(line)) found.push(`${path}:${index + 1}: ${line.trim()}`)
  })
}

roots.forEach(walk)
if (found.length > 0) {
  console.error('shortcoming marks need an issue number, as TODO(#N): what is missing')
  console.error(found.join('\n'))
  process.exit(1)
}
