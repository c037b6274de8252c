/** A reason `npm start` cannot go on, said in one or two lines a person can act on (no stack trace). */
export class StartError extends Error {
  /**
   * @param {string} message
   * @param {ErrorOptions} [options]
   */
  constructor(message, options) {
    super(message, options);
    this.name = 'StartError';
  }
}
