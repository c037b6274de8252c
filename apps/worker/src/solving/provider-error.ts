/** A provider that cannot answer (not configured, refused, unreachable): the job fails as `provider_error`. */
export class ProviderError extends Error {
  constructor(
    readonly provider: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'ProviderError';
  }
}

/** A job whose request cannot be solved as sent (missing question, bad mode). */
export class InvalidJobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidJobError';
  }
}
