// A bundle refused or failed, in words that name the file: not a bundle, tampered, truncated,
// for another platform, no space left. The CLI prints the message as it is.
export class BundleError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'BundleError';
  }
}
