import { AppError } from '../../errors/app-error.js'

/** One thing wrong with a rules file, at a 1-based line and column. */
export interface RulesProblem {
  file: string
  line: number
  column: number
  reason: string
}

/** `file:line:column: reason`, the form editors and terminals link to. */
export function formatProblem(problem: RulesProblem): string {
  return `${problem.file}:${problem.line}:${problem.column}: ${problem.reason}`
}

/** The RULES_INVALID error for a list of problems: the first in the message, all in `details`. */
export function rulesInvalid(problems: readonly RulesProblem[]): AppError {
  const first = problems[0]
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''
  const message =
    first === undefined ? 'rules file is invalid' : `invalid rules: ${formatProblem(first)}${more}`

  return new AppError('RULES_INVALID', message, {
    status: 400,
    details: { problems: problems.map((p) => ({ ...p })) },
  })
}
