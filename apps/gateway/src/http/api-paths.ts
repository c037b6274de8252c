/** Where the public API lives, and the links the gateway hands back to clients. */
export const API_PREFIX = 'api/v1';

export const ApiLinks = {
  job: (jobId: string) => `/${API_PREFIX}/jobs/${jobId}`,
  jobEvents: (jobId: string) => `/${API_PREFIX}/jobs/${jobId}/events`,
  docs: `/${API_PREFIX}/docs`,
} as const;
