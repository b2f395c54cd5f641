/**
 * @module The one error type for bad configuration: a message a person can act on, never a stack.
 * When several things are wrong at once (three unset variables, two bad fields), each is one of
 * `problems`, so a command can print them one per line and the user fixes them in one go.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  /** One line per problem; a single-problem error has its message as the only one. */
  readonly problems: string[];

  constructor(message: string, problems?: string[]) {
    super(message);
    this.problems = problems && problems.length > 0 ? problems : [message];
  }
}
