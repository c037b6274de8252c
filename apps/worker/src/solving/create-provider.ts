import { PROVIDERS, type Settings } from '@crux/contracts/core';
import type { ModelProvider } from './model-provider.js';
import { ProviderError } from './provider-error.js';
import { SimulatedProvider } from './simulated-provider.js';

/** The provider part of the worker's settings, as loadSettings reads them (with their documented defaults). */
export type ProviderSettings = Pick<
  Settings,
  | 'simulatedLatencyMs'
  | 'openaiBaseUrl'
  | 'openaiApiKey'
  | 'openaiConnectTimeoutMs'
  | 'openaiReadTimeoutMs'
  | 'openaiMaxRetries'
  | 'openaiRetryBaseMs'
  | 'openaiRetryMaxMs'
>;

/**
 * The provider a job asked for; a provider this worker cannot use fails the job, never the worker.
 * The OpenAI-compatible provider (node:http, node:https and TLS) is imported the first time a job
 * asks for it: every pool child starts by importing this file, and a child replaced after a cancel
 * should not pay at start for a provider its jobs may never use.
 */
export async function createProvider(name: string, settings: ProviderSettings): Promise<ModelProvider> {
  switch (name) {
    case 'simulated':
      return new SimulatedProvider({ latencyMs: settings.simulatedLatencyMs });
    case 'openai': {
      if (!settings.openaiBaseUrl) {
        throw new ProviderError('openai', "the job asked for llm_provider 'openai', but this worker has no OPENAI_BASE_URL configured");
      }
      const { OpenAIProvider } = await import('./openai-provider.js');
      return new OpenAIProvider({
        baseUrl: settings.openaiBaseUrl,
        apiKey: settings.openaiApiKey,
        timeouts: { connectMs: settings.openaiConnectTimeoutMs, readMs: settings.openaiReadTimeoutMs },
        retry: { maxRetries: settings.openaiMaxRetries, baseMs: settings.openaiRetryBaseMs, maxMs: settings.openaiRetryMaxMs },
      });
    }
    default:
      throw new ProviderError(name, `unknown llm_provider '${name}'; known providers are ${PROVIDERS.join(', ')}`);
  }
}
